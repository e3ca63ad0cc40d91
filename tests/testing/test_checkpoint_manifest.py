# Copyright (c) mmvb contributors. All rights reserved.
import json

import pytest
import torch
from torch import nn

from mmvb.testing import (checkpoint_from_manifest, load_manifest,
                          load_parity_fixture, make_manifest,
                          state_dict_from_manifest, weights_checksum,
                          write_manifest)

SOURCE = dict(
    repository='owner/repo',
    commit='0' * 40,
    definition='model.py::Net()',
    script='tools/model_converters/manifests/net.py')


def _net():
    return nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4))


def test_round_trip_loads_strictly(tmp_path):
    manifest = make_manifest(_net(), 'net', SOURCE, wrapper='state_dict')
    path = str(tmp_path / 'net.json')
    write_manifest(manifest, path)
    loaded = load_manifest(path)
    assert loaded['keys']['0.weight'] == [[4, 3, 3, 3], 'float32']
    assert loaded['keys']['1.num_batches_tracked'] == [[], 'int64']
    assert list(loaded['keys']) == list(_net().state_dict())
    state_dict = state_dict_from_manifest(loaded, seed=1)
    net = _net()
    net.load_state_dict(state_dict, strict=True)
    assert torch.equal(net[0].weight, state_dict['0.weight'])
    assert 0.01 < state_dict['0.weight'].std() < 0.03
    assert state_dict['1.num_batches_tracked'].dtype == torch.int64
    # same seed, same values; the published wrapper around them
    ckpt = checkpoint_from_manifest(path, seed=1)
    assert set(ckpt) == {'state_dict'}
    assert torch.equal(ckpt['state_dict']['0.weight'], state_dict['0.weight'])


def test_bad_files_name_file_and_field(tmp_path):
    path = tmp_path / 'bad.json'
    path.write_text(json.dumps(dict(format='other')))
    with pytest.raises(ValueError, match=r'bad\.json: "format"'):
        load_manifest(str(path))
    manifest = make_manifest(_net(), 'net', SOURCE)
    manifest['keys']['0.weight'] = [4, 3]
    path.write_text(json.dumps(manifest))
    with pytest.raises(ValueError, match=r"bad\.json: key '0\.weight'"):
        load_manifest(str(path))
    with pytest.raises(KeyError, match='commit'):
        make_manifest(_net(), 'net', dict(repository='a/b'))


def test_weights_checksum_and_parity_fixture(tmp_path):
    state = {'w': torch.tensor([1.5, -2.0]), 'n': torch.tensor([7])}
    assert weights_checksum(state) == 3.5  # integer tensors do not count
    manifest = make_manifest({'w': torch.zeros(2, 3)}, 'tiny', SOURCE)
    write_manifest(manifest, str(tmp_path / 'tiny.json'))
    weights = state_dict_from_manifest(manifest, seed=3)
    inputs = torch.randn(2, 2, generator=torch.Generator().manual_seed(5))
    fixture = dict(
        manifest='tiny.json',
        seed=3,
        overrides=None,
        weights_checksum=weights_checksum(weights),
        input=dict(
            shape=[2, 2], seed=5, checksum=float(inputs.double().abs().sum())))
    path = str(tmp_path / 'fx.pt')
    torch.save(fixture, path)
    fx, got_manifest, got_weights, got_inputs = load_parity_fixture(
        path, str(tmp_path), 'make_fx.py')
    assert fx['seed'] == 3 and got_manifest['name'] == 'tiny'
    assert torch.equal(got_weights['w'], weights['w'])
    assert torch.equal(got_inputs, inputs)
    fixture['seed'] = 4  # other weights: the error names the script
    torch.save(fixture, path)
    with pytest.raises(
            ValueError,
            match=r'fx\.pt: the random weights .* '
            r'rerun make_fx\.py'):
        load_parity_fixture(path, str(tmp_path), 'make_fx.py')
