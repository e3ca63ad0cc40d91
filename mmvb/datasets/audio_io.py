# Copyright (c) mmvb contributors. All rights reserved.
"""Audio decoding, resampling and writing without torchaudio.

* ``soundfile`` (libsndfile) reads and writes wav/flac/ogg (and whatever
  else the installed libsndfile lists in ``soundfile.available_formats()``),
  seeking to a segment without decoding the rest;
* ``av`` (PyAV, FFmpeg) reads the audio stream of video containers
  (mp4, mkv, webm, avi, ...) and any other file libsndfile cannot open;
  segments of containers are placed from the decoded frames' timestamps,
  so they are exact to the container's time resolution (1 ms in Matroska);
  dataset converters therefore extract long recordings to wav first;
* resampling is polyphase filtering (``scipy.signal.resample_poly``).

Waveforms are float32 arrays ``[channels, samples]`` in ``[-1, 1]``.
"""
import os
import os.path as osp
from fractions import Fraction
from typing import List, Optional, Sequence, Tuple

import numpy as np

AUDIO_BACKENDS = ('auto', 'soundfile', 'av')


def _soundfile_can_read(path: str) -> bool:
    import soundfile as sf
    ext = osp.splitext(path)[1][1:].upper()
    return ext in sf.available_formats()


def _load_soundfile(path: str, start: Optional[float],
                    stop: Optional[float]) -> Tuple[np.ndarray, int]:
    import soundfile as sf
    with sf.SoundFile(path) as f:
        sr = f.samplerate
        first = 0 if start is None else max(int(round(start * sr)), 0)
        last = f.frames if stop is None else min(
            int(round(stop * sr)), f.frames)
        f.seek(min(first, f.frames))
        data = f.read(max(last - first, 0), dtype='float32', always_2d=True)
    return np.ascontiguousarray(data.T), sr


def _load_av(path: str, start: Optional[float],
             stop: Optional[float]) -> Tuple[np.ndarray, int]:
    import av
    with av.open(path) as container:
        streams = container.streams.audio
        if not streams:
            raise ValueError(f'{path} has no audio stream')
        stream = streams[0]
        sr = stream.codec_context.sample_rate or stream.rate
        if start:
            container.seek(
                max(int(start / stream.time_base) - 1, 0),
                stream=stream,
                backward=True,
                any_frame=False)
        # Float planar output; channels and rate are handled by the caller.
        resampler = av.AudioResampler(format='fltp')
        chunks, first_time = [], None
        for frame in container.decode(stream):
            if frame.time is not None and first_time is None:
                first_time = frame.time
            if stop is not None and frame.time is not None and \
                    frame.time > stop:
                break
            for out in resampler.resample(frame):
                chunks.append(out.to_ndarray())
        for out in resampler.resample(None):  # flush
            chunks.append(out.to_ndarray())
    if not chunks:
        return np.zeros((1, 0), np.float32), sr
    data = np.concatenate(chunks, axis=1).astype(np.float32)
    first_time = first_time or 0.0
    begin = 0 if start is None else max(
        int(round((start - first_time) * sr)), 0)
    end = data.shape[1] if stop is None else max(
        int(round((stop - first_time) * sr)), begin)
    return data[:, begin:end], sr


def load_audio(path: str,
               sample_rate: Optional[int] = None,
               start: Optional[float] = None,
               stop: Optional[float] = None,
               mono: bool = True,
               backend: str = 'auto') -> Tuple[np.ndarray, int]:
    """Decode (a segment of) the audio of a file.

    Args:
        path (str): Audio file (wav, flac, ...) or video container.
        sample_rate (int, optional): Resample to this rate (None: keep the
            file's). Defaults to None.
        start (float, optional): Segment start in seconds. Defaults to None
            (the beginning).
        stop (float, optional): Segment end in seconds. Defaults to None
            (the end).
        mono (bool): Average the channels. Defaults to True.
        backend (str): ``'soundfile'``, ``'av'`` or ``'auto'`` (soundfile
            for the formats libsndfile lists, PyAV otherwise).
            Defaults to ``'auto'``.

    Returns:
        tuple[np.ndarray, int]: float32 ``[samples]`` (mono) or
        ``[channels, samples]``, and the sample rate.
    """
    if backend not in AUDIO_BACKENDS:
        raise ValueError(f'backend must be one of {AUDIO_BACKENDS}, got '
                         f'{backend!r}')
    if not osp.isfile(path):
        raise FileNotFoundError(f'no audio file {path}')
    if backend == 'soundfile' or (backend == 'auto'
                                  and _soundfile_can_read(path)):
        data, sr = _load_soundfile(path, start, stop)
    else:
        data, sr = _load_av(path, start, stop)
    if mono:
        data = data.mean(axis=0)
    if sample_rate is not None and sample_rate != sr:
        data = resample(data, sr, sample_rate)
        sr = sample_rate
    return data.astype(np.float32, copy=False), sr


def resample(wave: np.ndarray, orig_sr: int, target_sr: int) -> np.ndarray:
    """Polyphase resampling along the last axis (Kaiser-windowed FIR).

    Args:
        wave (np.ndarray): ``[..., samples]``.
        orig_sr (int): Rate of ``wave``.
        target_sr (int): Wanted rate.

    Returns:
        np.ndarray: ``[..., round(samples * target_sr / orig_sr)]`` float32.
    """
    if orig_sr == target_sr:
        return wave
    from scipy.signal import resample_poly
    ratio = Fraction(int(target_sr), int(orig_sr))
    out = resample_poly(
        wave, ratio.numerator, ratio.denominator, axis=-1, padtype='line')
    return out.astype(np.float32)


def audio_info(path: str, backend: str = 'auto') -> Tuple[int, float, int]:
    """Sample rate, duration (s) and channels of a file's audio.

    Raises ``ValueError``/``RuntimeError`` (libsndfile, FFmpeg) for files
    without readable audio.
    """
    if backend == 'soundfile' or (backend == 'auto'
                                  and _soundfile_can_read(path)):
        import soundfile as sf
        info = sf.info(path)
        return info.samplerate, info.frames / info.samplerate, info.channels
    import av
    with av.open(path) as container:
        if not container.streams.audio:
            raise ValueError(f'{path} has no audio stream')
        stream = container.streams.audio[0]
        if stream.duration is not None:
            duration = float(stream.duration * stream.time_base)
        elif container.duration is not None:
            duration = container.duration / 1e6  # av.time_base
        else:
            duration = 0.0
        sr = stream.codec_context.sample_rate or stream.rate
        return sr, duration, stream.codec_context.channels


def write_audio(path: str,
                wave: np.ndarray,
                sample_rate: int,
                subtype: Optional[str] = None) -> None:
    """Write ``[samples]`` or ``[channels, samples]`` float audio with
    soundfile (format from the extension: wav, flac, ogg, ...); 16-bit PCM
    unless ``subtype`` says otherwise."""
    import soundfile as sf
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    wave = np.asarray(wave, dtype=np.float32)
    data = wave.T if wave.ndim == 2 else wave
    sf.write(
        path,
        np.clip(data, -1.0, 1.0),
        sample_rate,
        subtype=subtype or 'PCM_16')


def extract_audio(src: str,
                  dst: str,
                  sample_rate: int = 16000,
                  mono: bool = True,
                  start: Optional[float] = None,
                  stop: Optional[float] = None) -> float:
    """Decode ``src`` (any container), resample, write ``dst``.

    Returns:
        float: Duration written, in seconds.
    """
    wave, sr = load_audio(src, sample_rate, start, stop, mono)
    if wave.size == 0:
        raise ValueError(f'{src} has no audio samples')
    write_audio(dst, wave, sr)
    return wave.shape[-1] / sr


def _prepare_clip(job: Tuple[str, Optional[str], int]) -> Optional[float]:
    """Duration of ``src``'s audio (extracted to ``dst`` if given), or None
    when it has no decodable audio."""
    src, dst, sample_rate = job
    try:
        if dst is not None:
            if osp.isfile(dst):
                return audio_info(dst)[1]
            return extract_audio(src, dst, sample_rate)
        duration = audio_info(src)[1]
        if duration <= 0:  # container without a duration: decode it
            wave, sr = load_audio(src)
            duration = wave.shape[-1] / sr
        return duration if duration > 0 else None
    except Exception:  # noqa: BLE001  (any decoder error means invalid)
        return None


def prepare_clips(jobs: Sequence[Tuple[str, Optional[str]]],
                  sample_rate: int = 16000,
                  workers: int = 0,
                  progress: bool = True,
                  desc: str = 'audio') -> List[Optional[float]]:
    """Check (and optionally extract) the audio of many files.

    Used by the dataset converters in ``tools/data``: a clip whose audio
    cannot be decoded (no audio stream, corrupt file) is invalid, as in the
    DATAR paper's "valid audio" counts.

    Args:
        jobs (Sequence[tuple[str, str | None]]): ``(source, destination)``
            pairs; a destination (``.wav``/``.flac``) extracts mono audio at
            ``sample_rate`` there (kept if it exists), None only probes.
        sample_rate (int): Rate of extracted files. Defaults to 16000.
        workers (int): Processes (0: this process). Defaults to 0.
        progress (bool): Show a progress bar. Defaults to True.
        desc (str): Progress-bar label.

    Returns:
        list[float | None]: Duration in seconds, None for invalid clips.
    """
    from tqdm import tqdm
    args = [(src, dst, sample_rate) for src, dst in jobs]
    bar = dict(total=len(args), desc=desc, disable=not progress)
    if workers > 0:
        from multiprocessing import Pool
        with Pool(workers) as pool:
            return list(
                tqdm(pool.imap(_prepare_clip, args, chunksize=4), **bar))
    return [_prepare_clip(a) for a in tqdm(args, **bar)]


VIDEO_EXTS = ('.mp4', '.mkv', '.webm', '.avi', '.mov')


def index_files(root: str, exts: Sequence[str] = VIDEO_EXTS) -> dict:
    """File stem -> path relative to ``root`` of every file below ``root``
    whose (case-insensitive) extension is in ``exts``."""
    index = {}
    for folder, _, files in os.walk(root):
        for name in files:
            stem, ext = osp.splitext(name)
            if ext.lower() in exts:
                index[stem] = osp.relpath(osp.join(folder, name), root)
    return index


def build_clip_list(items: Sequence[Tuple[str, int]],
                    video_dir: str,
                    out_dir: str,
                    split: str,
                    extract: bool = False,
                    sample_rate: int = 16000,
                    workers: int = 0,
                    progress: bool = True,
                    videos: Optional[dict] = None) -> Tuple[List[str], dict]:
    """``AudioDataset`` lines (``path num_samples label``) for clips.

    The clip-list part of the Kinetics-Sounds and VGGSound converters:
    finds each clip's video under ``video_dir`` (by file stem), checks its
    audio (or extracts it to ``out_dir/audio/<split>/<stem>.wav``) with
    :func:`prepare_clips`, and leaves out clips that are missing or have
    no audio.

    Args:
        items (Sequence[tuple[str, int]]): ``(file stem, label)`` pairs.
        video_dir (str): Folder searched for the videos.
        out_dir (str): Output folder (extracted audio lives below it).
        split (str): Split name (sub-folder of extracted audio).
        extract (bool): Extract mono wav at ``sample_rate``; otherwise the
            lines point at the videos (relative to ``video_dir``).
            Defaults to False.
        sample_rate (int): Defaults to 16000.
        workers (int): Processes. Defaults to 0.
        progress (bool): Show a progress bar. Defaults to True.
        videos (dict, optional): :func:`index_files` of ``video_dir``
            (computed when None; pass it to index a large folder once for
            several splits).

    Returns:
        tuple[list[str], dict]: The lines and counts (``annotated``,
        ``missing_video``, ``no_audio``, ``valid``).
    """
    if videos is None:
        videos = index_files(video_dir)
    found = [(stem, label) for stem, label in items if stem in videos]
    jobs = [
        (osp.join(video_dir, videos[stem]),
         osp.join(out_dir, 'audio', split, f'{stem}.wav') if extract else None)
        for stem, _ in found
    ]
    durations = prepare_clips(
        jobs,
        sample_rate,
        workers,
        progress,
        desc=f'{osp.basename(out_dir)} {split}')
    lines = []
    for (stem, label), (_, dst), seconds in zip(found, jobs, durations):
        if seconds is None:
            continue
        rel = osp.relpath(dst, out_dir) if dst else videos[stem]
        lines.append(f'{rel} {round(seconds * sample_rate)} {label}')
    summary = dict(
        annotated=len(items),
        missing_video=len(items) - len(found),
        no_audio=len(found) - len(lines),
        valid=len(lines))
    return lines, summary
