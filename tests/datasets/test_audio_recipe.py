# Copyright (c) mmvb contributors. All rights reserved.
"""The paper datasets' training recipe end to end on two tiny clips:
AudioMixDataset + WaveformMixup (soft labels) -> fbank -> SpecAugment ->
RecognizerAudio with TSNAudioHead (soft-label cross-entropy)."""
import numpy as np
import torch
from mmaction.registry import DATASETS, MODELS
from mmengine.dataset import pseudo_collate

from mmvb.datasets.audio_io import write_audio
from mmvb.testing import get_cfg
from mmvb.utils import register_all_modules


def test_kinetics_sounds_recipe(tmp_path):
    register_all_modules()
    sr = 16000
    for i, freq in enumerate((300, 2000)):
        t = np.arange(3 * sr) / sr
        write_audio(
            str(tmp_path / f'{i}.wav'), 0.3 * np.sin(2 * np.pi * freq * t), sr)
    ann = tmp_path / 'train.txt'
    ann.write_text(f'0.wav {3 * sr} 4\n1.wav {3 * sr} 17\n')
    cfg = get_cfg(
        'datar/datar_in1k-pretrained-dat-b_8xb12-300e_kinetics-sounds-audio.py'
    )
    data_cfg = cfg.train_dataloader.dataset
    assert data_cfg.type == 'AudioMixDataset'
    data_cfg.dataset.ann_file = str(ann)
    data_cfg.dataset.data_prefix = dict(audio=str(tmp_path))
    data_cfg.pipeline[0].prob = 1.0  # always mix
    dataset = DATASETS.build(data_cfg)
    assert len(dataset) == 2
    np.random.seed(0)
    samples = [dataset[i] for i in range(2)]
    for sample in samples:
        assert sample['inputs'].shape == (1, 1, 128, 1024)
        label = sample['data_samples'].gt_label
        assert label.shape == (31, ) and torch.isclose(label.sum(),
                                                       torch.tensor(1.))
        assert set(torch.nonzero(label).flatten().tolist()) <= {4, 17}
    model_cfg = cfg.model
    model_cfg.backbone = dict(
        type='DeformableAudioTransformer',
        arch=dict(
            embed_dims=[8, 16, 32, 32],
            depths=[1, 1, 2, 2],
            num_heads=[1, 1, 2, 2],
            num_groups=[1, 1, 1, 2]),
        input_adaptor=dict(type='LearnableInputAdaptor'))
    model_cfg.cls_head.in_channels = 32
    model = MODELS.build(model_cfg)
    model.init_weights()
    data = model.data_preprocessor(pseudo_collate(samples), training=True)
    losses = model(**data, mode='loss')
    assert torch.isfinite(losses['loss_cls'])
    losses['loss_cls'].backward()
