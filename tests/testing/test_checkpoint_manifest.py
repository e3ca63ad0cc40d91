# Copyright (c) mmvb contributors. All rights reserved.
import json

import pytest
import torch
from torch import nn

from mmvb.testing.checkpoint_manifest import (checkpoint_from_manifest,
                                              load_manifest, make_manifest,
                                              state_dict_from_manifest,
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
