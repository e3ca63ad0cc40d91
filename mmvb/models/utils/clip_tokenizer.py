# Copyright (c) mmvb contributors. All rights reserved.
"""CLIP's byte-level BPE tokenizer, offline.

Radford et al., "Learning Transferable Visual Models From Natural Language
Supervision" (ICML 2021), Sec. 2.4: lower-cased byte-pair encoding with a
49,152-token vocabulary, sequences bracketed by ``[SOS]`` / ``[EOS]`` and
capped at 76 (77 with ``[SOS]``) tokens. The merges are OpenAI's published
``bpe_simple_vocab_16e6.txt.gz``, which registry packages ship (PyPI
``openai-clip``, ``open_clip_torch``, ``clip-anytorch``); it is read from a
given path, ``$MMVB_CLIP_BPE`` or such an installed package, never
downloaded. The packages are located through their installed-file records
(:mod:`importlib.metadata`) and never imported (they import torchvision).

Ids equal those of OpenAI's reference tokenizer (``clip/simple_tokenizer.py``
of ``openai/CLIP``; ``tests/models/utils/test_clip_tokenizer.py``), which
needs the ``regex`` and ``ftfy`` packages; here the Unicode letter / number
classes are built with :mod:`unicodedata` for the standard :mod:`re`, and
``ftfy.fix_text`` is applied when ftfy is installed (without it, text is
NFC-normalised only: the same for text without mojibake, curly quotes,
ligatures or full-width forms).
"""
import gzip
import html
import os
import os.path as osp
import re
import unicodedata
from functools import lru_cache
from importlib import metadata
from typing import Dict, List, Optional, Sequence, Union

import torch
from mmaction.registry import TOKENIZER

BPE_FILE = 'bpe_simple_vocab_16e6.txt.gz'
# Distributions known to ship BPE_FILE (PyPI names).
BPE_DISTRIBUTIONS = ('openai-clip', 'open_clip_torch', 'clip-anytorch')
BPE_ENV = 'MMVB_CLIP_BPE'
SOT, EOT = '<|startoftext|>', '<|endoftext|>'
# Unicode White_Space (what the ``regex`` package's \s matches).
_WHITESPACE = ('\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029'
               '\u202f\u205f\u3000')


def find_clip_bpe(bpe_path: Optional[str] = None) -> str:
    """Path of CLIP's BPE vocabulary.

    Looked for in order: ``bpe_path``, ``$MMVB_CLIP_BPE``, the files of the
    installed distributions :data:`BPE_DISTRIBUTIONS`.

    Raises:
        FileNotFoundError: Nothing found; one line saying where it was
            looked for and how to provide it.
    """
    if bpe_path:
        if not osp.isfile(bpe_path):
            raise FileNotFoundError(f'{bpe_path}: CLIP BPE vocabulary '
                                    '(tokenizer bpe_path) does not exist')
        return bpe_path
    env = os.environ.get(BPE_ENV)
    if env:
        if not osp.isfile(env):
            raise FileNotFoundError(
                f'{env} (${BPE_ENV}): CLIP BPE vocabulary does not exist')
        return env
    looked = []
    for name in BPE_DISTRIBUTIONS:
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            looked.append(f'{name} (not installed)')
            continue
        for file in dist.files or ():
            if file.name == BPE_FILE:
                path = str(dist.locate_file(file))
                if osp.isfile(path):
                    return path
        looked.append(f'{name} (installed without {BPE_FILE})')
    raise FileNotFoundError(
        f'CLIP BPE vocabulary {BPE_FILE} not found: no tokenizer bpe_path, '
        f'${BPE_ENV} unset, packages {", ".join(looked)}; install one '
        f'(`pip install openai-clip`, it does not need torchvision) or set '
        f'bpe_path / ${BPE_ENV} to a copy of {BPE_FILE}')


def byte_alphabet() -> Dict[int, str]:
    """GPT-2's reversible byte -> printable character map used by CLIP.

    Bytes that are printable Latin-1 characters (``!``..``~``,
    ``¡``..``¬``, ``®``..``ÿ``) stand for themselves; the other 68 bytes
    are mapped, in increasing byte order, to ``chr(256 + n)``. The insertion
    order of the returned dict is the order of the first 256 vocabulary
    entries.
    """
    printable = [*range(33, 127), *range(161, 173), *range(174, 256)]
    alphabet = {b: chr(b) for b in printable}
    others = [b for b in range(256) if b not in alphabet]
    alphabet.update({b: chr(256 + n) for n, b in enumerate(others)})
    return alphabet


def _ranges(codepoints: List[int]) -> str:
    """Escaped character-class body for sorted code points."""
    parts, start = [], None
    for i, cp in enumerate(codepoints):
        if start is None:
            start = cp
        if i + 1 == len(codepoints) or codepoints[i + 1] != cp + 1:
            parts.append(
                re.escape(chr(start)) if start ==
                cp else f'{re.escape(chr(start))}-{re.escape(chr(cp))}')
            start = None
    return ''.join(parts)


@lru_cache(maxsize=1)
def _pre_tokenizer() -> 're.Pattern':
    r"""CLIP's pre-tokenizer for the standard :mod:`re`: the special tokens,
    English contractions, runs of letters (``\p{L}``), single numerals
    (``\p{N}``), runs of other non-space characters."""
    letters, numbers = [], []
    for cp in range(0x110000):
        category = unicodedata.category(chr(cp))
        if category[0] == 'L':
            letters.append(cp)
        elif category[0] == 'N':
            numbers.append(cp)
    lt, nm = _ranges(letters), _ranges(numbers)
    return re.compile(
        rf"{re.escape(SOT)}|{re.escape(EOT)}|'s|'t|'re|'ve|'m|'ll|'d"
        rf'|[{lt}]+|[{nm}]|[^{_WHITESPACE}{lt}{nm}]+', re.IGNORECASE)


def _fix_text(text: str) -> str:
    try:
        import ftfy
    except ImportError:
        return unicodedata.normalize('NFC', text)
    return ftfy.fix_text(text)


@TOKENIZER.register_module()
class CLIPTokenizer:
    """CLIP's BPE tokenizer (see :mod:`mmvb.models.utils.clip_tokenizer`).

    Args:
        bpe_path (str, optional): ``bpe_simple_vocab_16e6.txt.gz``; None
            looks it up with :func:`find_clip_bpe`. Defaults to None.
        context_length (int): Length of the id sequences. Defaults to 77.
        truncate (bool): Cut texts that are too long (keeping ``[EOS]``
            last) instead of raising. Defaults to False.
    """

    def __init__(self,
                 bpe_path: Optional[str] = None,
                 context_length: int = 77,
                 truncate: bool = False) -> None:
        self.bpe_path = find_clip_bpe(bpe_path)
        self.context_length = context_length
        self.truncate = truncate
        with gzip.open(self.bpe_path, 'rt', encoding='utf-8') as f:
            lines = f.read().split('\n')
        # Line 0 is a version header, then CLIP uses the first 48,894
        # merges: ids are 256 bytes, the 256 bytes ending a word (``</w>``),
        # the merges and [SOS], [EOS] (49,408).
        merges = [tuple(line.split()) for line in lines[1:49152 - 256 - 2 + 1]]
        for i, merge in enumerate(merges):
            if len(merge) != 2:
                raise ValueError(f'{self.bpe_path}: line {i + 2} is not a '
                                 f'BPE merge ("a b"): {lines[i + 1]!r}')
        self.byte_encoder = byte_alphabet()
        symbols = list(self.byte_encoder.values())
        vocab = symbols + [s + '</w>' for s in symbols]
        vocab += [a + b for a, b in merges] + [SOT, EOT]
        self.encoder = {token: i for i, token in enumerate(vocab)}
        self.ranks = {merge: i for i, merge in enumerate(merges)}
        self.sot_id, self.eot_id = self.encoder[SOT], self.encoder[EOT]
        self.vocab_size = len(vocab)
        self._cache = {SOT: SOT, EOT: EOT}

    def bpe(self, token: str) -> List[str]:
        """Merge the characters of a pre-token (its last one marked
        ``</w>``) by rank until no ranked pair is left."""
        if token in self._cache:
            return self._cache[token].split(' ')
        word = list(token[:-1]) + [token[-1] + '</w>']
        while len(word) > 1:
            pairs = set(zip(word, word[1:]))
            best = min(pairs, key=lambda p: self.ranks.get(p, float('inf')))
            if best not in self.ranks:
                break
            merged, i = [], 0
            while i < len(word):
                if i + 1 < len(word) and (word[i], word[i + 1]) == best:
                    merged.append(word[i] + word[i + 1])
                    i += 2
                else:
                    merged.append(word[i])
                    i += 1
            word = merged
        self._cache[token] = ' '.join(word)
        return word

    @staticmethod
    def clean(text: str) -> str:
        """ftfy (or NFC), HTML unescaped twice, white space collapsed,
        lower case."""
        text = html.unescape(html.unescape(_fix_text(text))).strip()
        return re.sub(f'[{_WHITESPACE}]+', ' ', text).strip().lower()

    def encode(self, text: str) -> List[int]:
        """Token ids of ``text`` without ``[SOS]`` / ``[EOS]``."""
        ids = []
        for token in _pre_tokenizer().findall(self.clean(text)):
            token = ''.join(self.byte_encoder[b] for b in token.encode())
            ids.extend(self.encoder[t] for t in self.bpe(token))
        return ids

    def __call__(self, texts: Union[str, Sequence[str]]) -> torch.Tensor:
        """``[SOS] ids [EOS]`` of each text, zero-padded.

        Args:
            texts (str | Sequence[str]): Texts.

        Returns:
            Tensor: ``[len(texts), context_length]`` int64 ids.

        Raises:
            ValueError: A text is too long (``truncate=False``); names it.
        """
        if isinstance(texts, str):
            texts = [texts]
        out = torch.zeros(len(texts), self.context_length, dtype=torch.long)
        for i, text in enumerate(texts):
            ids = [self.sot_id] + self.encode(text) + [self.eot_id]
            if len(ids) > self.context_length:
                if not self.truncate:
                    raise ValueError(
                        f'text {i} ({text!r}) has {len(ids)} tokens, more '
                        f'than the context length {self.context_length}')
                ids = ids[:self.context_length - 1] + [self.eot_id]
            out[i, :len(ids)] = torch.tensor(ids)
        return out
