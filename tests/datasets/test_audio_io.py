# Copyright (c) mmvb contributors. All rights reserved.
import numpy as np
import pytest

from mmvb.datasets import audio_info, extract_audio, load_audio, resample
from mmvb.datasets.audio_io import write_audio
from mmvb.datasets.synthetic import write_av_clip, write_video


def _tone(freq, sr, seconds, amp=0.3):
    t = np.arange(int(sr * seconds)) / sr
    return (amp * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def _peak_hz(wave, sr):
    spec = np.abs(np.fft.rfft(wave * np.hanning(len(wave))))
    return np.argmax(spec) * sr / len(wave)


def test_wav_flac_resample_and_mono(tmp_path):
    left, right = _tone(440, 22050, 1.0), _tone(1000, 22050, 1.0)
    write_audio(str(tmp_path / 'a.wav'), np.stack([left, right]), 22050)
    wave, sr = load_audio(str(tmp_path / 'a.wav'), sample_rate=16000)
    assert sr == 16000 and wave.dtype == np.float32
    assert wave.shape == (16000, )  # mono, resampled length
    both, _ = load_audio(str(tmp_path / 'a.wav'), mono=False)
    assert both.shape == (2, 22050)
    assert np.abs(both[0] - left).max() < 1e-4  # 16-bit PCM
    assert abs(_peak_hz(resample(left, 22050, 16000), 16000) - 440) < 2
    # flac: a segment without reading the rest.
    write_audio(str(tmp_path / 'b.flac'), left, 22050)
    seg, _ = load_audio(str(tmp_path / 'b.flac'), start=0.25, stop=0.5)
    assert seg.shape == (5513, )  # samples round(0.25 sr) to round(0.5 sr)
    assert np.abs(seg - left[5512:11025]).max() < 1e-4
    assert audio_info(str(tmp_path / 'b.flac')) == (22050, 1.0, 1)
    with pytest.raises(FileNotFoundError):
        load_audio(str(tmp_path / 'missing.wav'))
    with pytest.raises(ValueError, match='backend'):
        load_audio(str(tmp_path / 'a.wav'), backend='torchaudio')


def test_video_containers(tmp_path):
    sr = 16000
    tone = _tone(440, sr, 2.0)
    # mp4 with a video stream and AAC audio (lossy: check the content).
    write_av_clip(str(tmp_path / 'clip.mp4'), tone, sr)
    wave, out_sr = load_audio(str(tmp_path / 'clip.mp4'))
    assert out_sr == sr
    assert abs(wave.shape[0] - 2 * sr) < 2048  # AAC priming/padding
    assert abs(_peak_hz(wave, sr) - 440) < 2
    rate, duration, channels = audio_info(str(tmp_path / 'clip.mp4'))
    assert rate == sr and channels == 1 and duration == pytest.approx(2, 0.1)
    # mkv with lossless stereo PCM at 44.1 kHz: segments to within the
    # container's timestamp resolution (1 ms in Matroska).
    rng = np.random.default_rng(0)
    stereo = rng.uniform(-0.5, 0.5, (2, 88200)).astype(np.float32)
    write_av_clip(
        str(tmp_path / 'clip.mkv'), stereo, 44100, audio_codec='pcm_s16le')
    full, _ = load_audio(str(tmp_path / 'clip.mkv'), mono=False)
    assert np.abs(full - stereo).max() < 1e-4
    seg, _ = load_audio(
        str(tmp_path / 'clip.mkv'), start=0.5, stop=1.25, mono=False)
    assert seg.shape == (2, 33075)
    errors = [
        np.abs(seg - stereo[:, 22050 + d:55125 + d]).max()
        for d in range(-44, 45)
    ]
    assert min(errors) < 1e-4
    mono16k, _ = load_audio(str(tmp_path / 'clip.mkv'), sample_rate=16000)
    assert mono16k.shape == (32000, )
    # Extract to wav (what the dataset converters do).
    seconds = extract_audio(
        str(tmp_path / 'clip.mp4'), str(tmp_path / 'clip.wav'))
    assert seconds == pytest.approx(2.0, abs=0.15)
    assert audio_info(str(tmp_path / 'clip.wav'))[0] == 16000


def test_video_without_audio_is_rejected(tmp_path):
    frames = np.zeros((4, 32, 32, 3), np.uint8)
    write_video(str(tmp_path / 'silent.mp4'), frames)
    with pytest.raises(ValueError, match='no audio stream'):
        load_audio(str(tmp_path / 'silent.mp4'))
    with pytest.raises(ValueError, match='no audio stream'):
        audio_info(str(tmp_path / 'silent.mp4'))
