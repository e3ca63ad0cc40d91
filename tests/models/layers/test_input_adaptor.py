# Copyright (c) mmvb contributors. All rights reserved.
import pytest
import torch
import torch.nn.functional as F

from mmvb.models.layers import InputPerturbation, LearnableInputAdaptor


def test_adaptor_is_eq5():
    adaptor = LearnableInputAdaptor(in_channels=2, lam=0.005, kernel_size=3)
    x = torch.randn(2, 2, 6, 9)
    w, b = adaptor.conv.weight, adaptor.conv.bias
    # out(C_j) = in(C_j) + lam * (b(C_j) + sum_k W(C_j, k) * in(k))
    expected = x + 0.005 * (b.view(1, 2, 1, 1) + F.conv2d(x, w, padding=1))
    assert torch.allclose(adaptor(x), expected, atol=1e-7)
    with torch.no_grad():
        adaptor.conv.weight.zero_()
        adaptor.conv.bias.fill_(2.0)
    assert torch.allclose(adaptor(x), x + 0.01)
    assert torch.equal(LearnableInputAdaptor(lam=0.0)(x[:, :1]), x[:, :1])
    with pytest.raises(ValueError, match='odd'):
        LearnableInputAdaptor(kernel_size=4)


@pytest.mark.parametrize('dist', ['gaussian', 'laplacian'])
def test_perturbation_statistics(dist):
    torch.manual_seed(0)
    module = InputPerturbation(dist, scale=0.005)
    x = torch.zeros(400, 1, 32, 32)
    noise = module(x)
    assert noise.mean().abs() < 2e-4
    if dist == 'gaussian':  # N(0, 0.005): std 0.005
        assert noise.std().item() == pytest.approx(0.005, rel=0.02)
    else:  # L(0, 0.005): mean |x| = b, std = sqrt(2) b
        assert noise.abs().mean().item() == pytest.approx(0.005, rel=0.02)
        assert noise.std().item() == pytest.approx(0.005 * 2**0.5, rel=0.02)
    module.eval()
    assert torch.equal(module(x), x)
    module.apply_in_eval = True
    assert not torch.equal(module(x), x)
    with pytest.raises(ValueError, match='distribution'):
        InputPerturbation('uniform')
