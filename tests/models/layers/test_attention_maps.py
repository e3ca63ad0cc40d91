# Copyright (c) mmvb contributors. All rights reserved.
import threading

import torch
from torch import nn

from mmvb.models.layers import collect_attention_maps, record_attention_map


def test_collectors_nest_and_close():
    a, b = nn.Identity(), nn.Identity()
    ma, mb = torch.zeros(1), torch.ones(1)
    record_attention_map(a, ma)  # no collector: nothing happens
    with collect_attention_maps() as outer:
        record_attention_map(a, ma)
        with collect_attention_maps() as inner:
            record_attention_map(b, mb)
        record_attention_map(b, ma)
    record_attention_map(a, mb)
    assert [(m is a, t is ma) for m, t in outer] == [(True, True),
                                                     (False, False),
                                                     (False, True)]
    assert len(inner) == 1 and inner[0][0] is b


def test_collectors_are_per_thread():
    seen = []

    def worker():
        record_attention_map(nn.Identity(), torch.zeros(1))
        with collect_attention_maps() as maps:
            record_attention_map(nn.Identity(), torch.zeros(1))
        seen.append(len(maps))

    with collect_attention_maps() as maps:
        thread = threading.Thread(target=worker)
        thread.start()
        thread.join()
    assert maps == [] and seen == [1]
