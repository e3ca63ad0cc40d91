# Copyright (c) mmvb contributors. All rights reserved.
"""t-SNE of clip embeddings and a scatter plot coloured by class (the
embedding-space figure of DualScope, Fig. 4).

:func:`tsne` is exact t-SNE (van der Maaten and Hinton, JMLR 2008) in NumPy:
Gaussian input affinities calibrated to a perplexity by binary search,
Student-t output affinities, gradient descent with momentum, per-parameter
gains and early exaggeration, from a PCA initialisation. It is ``O(N^2)`` in
time and memory, fine for a few thousand clips, and needs no scikit-learn.
"""
from typing import Optional, Sequence

import numpy as np


def _affinities(X: np.ndarray,
                perplexity: float,
                tol: float = 1e-5,
                max_steps: int = 64) -> np.ndarray:
    """Symmetric input affinities ``P`` (sum 1) for a perplexity."""
    n = X.shape[0]
    sq = np.sum(X * X, axis=1)
    dist = np.maximum(sq[:, None] + sq[None, :] - 2 * X @ X.T, 0.0)
    target = np.log(perplexity)
    P = np.zeros((n, n))
    for i in range(n):
        d = np.delete(dist[i], i)
        lo, hi, beta = 0.0, np.inf, 1.0
        for _ in range(max_steps):
            w = np.exp(-(d - d.min()) * beta)
            s = w.sum()
            p = w / s
            entropy = -np.sum(p * np.log(np.maximum(p, 1e-300)))
            if abs(entropy - target) < tol:
                break
            if entropy > target:  # too flat: sharpen
                lo = beta
                beta = beta * 2 if hi == np.inf else (beta + hi) / 2
            else:
                hi = beta
                beta = (beta + lo) / 2
        P[i, np.arange(n) != i] = p
    P = (P + P.T) / (2 * n)
    return np.maximum(P, 1e-12)


def tsne(X: np.ndarray,
         dims: int = 2,
         perplexity: float = 30.0,
         num_iters: int = 1000,
         learning_rate: Optional[float] = None,
         early_exaggeration: float = 12.0,
         exaggeration_iters: int = 250,
         seed: int = 0) -> np.ndarray:
    """Embed the rows of ``X`` in ``dims`` dimensions.

    Args:
        X (np.ndarray): ``[N, C]`` features.
        dims (int): Output dimensions. Defaults to 2.
        perplexity (float): Effective number of neighbours; clipped to
            ``(N - 1) / 3``. Defaults to 30.
        num_iters (int): Gradient steps. Defaults to 1000.
        learning_rate (float, optional): None uses ``max(N / 12, 50)``
            (the "auto" rule of Belkina et al. 2019). Defaults to None.
        early_exaggeration (float): ``P`` multiplier in the first steps.
            Defaults to 12.
        exaggeration_iters (int): Steps with exaggeration (and momentum
            0.5; 0.8 after). Defaults to 250.
        seed (int): Seed of the small initial noise. Defaults to 0.

    Returns:
        np.ndarray: ``[N, dims]``.
    """
    X = np.asarray(X, dtype=np.float64)
    n = X.shape[0]
    if n < 3:
        return np.zeros((n, dims))
    X = X - X.mean(axis=0)
    perplexity = min(perplexity, (n - 1) / 3)
    P = _affinities(X, perplexity)
    # PCA initialisation, scaled to a small spread (std 1e-4 on axis 0).
    _, _, vt = np.linalg.svd(X, full_matrices=False)
    Y = X @ vt[:dims].T
    if Y.shape[1] < dims:
        Y = np.pad(Y, ((0, 0), (0, dims - Y.shape[1])))
    Y = Y / (np.std(Y[:, 0]) + 1e-12) * 1e-4
    Y += np.random.default_rng(seed).normal(0, 1e-6, Y.shape)
    lr = learning_rate or max(n / 12.0, 50.0)
    velocity = np.zeros_like(Y)
    gains = np.ones_like(Y)
    for it in range(num_iters):
        exaggerate = it < exaggeration_iters
        sq = np.sum(Y * Y, axis=1)
        num = 1.0 / (1.0 + sq[:, None] + sq[None, :] - 2 * Y @ Y.T)
        np.fill_diagonal(num, 0.0)
        Q = np.maximum(num / num.sum(), 1e-12)
        PQ = (P * early_exaggeration if exaggerate else P) - Q
        W = PQ * num
        grad = 4 * (np.diag(W.sum(axis=1)) - W) @ Y
        same = np.sign(grad) == np.sign(velocity)
        gains = np.clip(np.where(same, gains * 0.8, gains + 0.2), 0.01, None)
        momentum = 0.5 if exaggerate else 0.8
        velocity = momentum * velocity - lr * gains * grad
        Y = Y + velocity
        Y -= Y.mean(axis=0)
    return Y


def plot_embedding(points: np.ndarray,
                   labels: Sequence[int],
                   out_file: str,
                   class_names: Optional[Sequence[str]] = None,
                   title: Optional[str] = None,
                   point_size: float = 12.0) -> str:
    """Scatter 2-D points coloured by class and save the figure.

    Args:
        points (np.ndarray): ``[N, 2]``.
        labels (Sequence[int]): Class index per point.
        out_file (str): Image path (the format follows the extension).
        class_names (Sequence[str], optional): Legend names.
        title (str, optional): Figure title.
        point_size (float): Marker size. Defaults to 12.

    Returns:
        str: ``out_file``.
    """
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    labels = np.asarray(labels)
    classes = np.unique(labels)
    cmap = plt.get_cmap('tab20' if len(classes) > 10 else 'tab10')
    fig, ax = plt.subplots(figsize=(6.4, 5.6), dpi=120)
    for k, c in enumerate(classes):
        mask = labels == c
        name = class_names[c] if class_names is not None else str(c)
        ax.scatter(
            points[mask, 0],
            points[mask, 1],
            s=point_size,
            color=cmap(k % cmap.N),
            label=name,
            alpha=0.85,
            edgecolors='none')
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title)
    ax.legend(
        loc='center left',
        bbox_to_anchor=(1.0, 0.5),
        fontsize=8,
        frameon=False,
        markerscale=1.5)
    fig.tight_layout()
    fig.savefig(out_file)
    plt.close(fig)
    return out_file
