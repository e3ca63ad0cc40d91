# Copyright (c) mmvb contributors. All rights reserved.
import os
import os.path as osp

import yaml
from mmengine.config import Config

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def test_metafile_matches_configs():
    with open(osp.join(ROOT, 'model-index.yml')) as f:
        index = yaml.safe_load(f)
    assert 'configs/instblink/metafile.yml' in index['Import']
    with open(osp.join(ROOT, 'configs', 'instblink', 'metafile.yml')) as f:
        meta = yaml.safe_load(f)
    names = set()
    for model in meta['Models']:
        path = osp.join(ROOT, model['Config'])
        assert osp.isfile(path), path
        assert model['Name'] == osp.splitext(osp.basename(path))[0]
        names.add(model['Name'])
        cfg = Config.fromfile(path)
        batch = model['Metadata']['Batch Size']
        assert cfg.train_dataloader.batch_size == batch, model['Name']
        assert cfg.train_cfg.max_iters == model['Metadata']['Iterations']
    folder = osp.join(ROOT, 'configs', 'instblink')
    configs = {
        osp.splitext(p)[0]
        for p in os.listdir(folder) if p.endswith('.py')
    }
    assert names == configs
