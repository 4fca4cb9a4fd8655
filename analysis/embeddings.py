"""Sentence embeddings from all-MiniLM-L6-v2, computed with NumPy alone.

The weights ship with the code (``analysis/models/minilm/``, float16, 45 MB; Apache-2.0, from
sentence-transformers/all-MiniLM-L6-v2): nothing is fetched at run time, and running the six-layer
encoder in NumPy keeps PyTorch, its CUDA wheels and minutes of installation out of the kit. The
maths is the BERT encoder's, followed by sentence-transformers' mean pooling and L2 normalisation.
``python -m analysis.embeddings export SRC`` rebuilds the shipped file from a model folder
(``model.safetensors`` + ``vocab.txt``).

Used by the motivation model as one feature block: meaning that survives wording our
corpus never used ("I just can't walk past someone who's lost" is near "I felt for her").
"""

from __future__ import annotations

import json
import re
import struct
import threading
from collections import OrderedDict
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

MAX_TOKENS = 256  # the model's own max_seq_length; longer answers are read in overlapping windows
STRIDE = 192
CACHE_SIZE = 20_000  # texts whose embeddings are remembered (about 30 MB)
_HEADS = 12
_EPS = 1e-12


class EmbeddingError(RuntimeError):
    """The embedding weights are missing or unreadable; the message says how to install them."""


WEIGHTS_DIR = Path(__file__).resolve().parent / "models" / "minilm"


def _read_safetensors(path: Path) -> dict[str, np.ndarray]:
    with open(path, "rb") as f:
        size = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(size))
        blob = f.read()
    kinds = {"F32": np.float32, "I64": np.int64, "F16": np.float16}
    out = {}
    for name, spec in header.items():
        if name == "__metadata__":
            continue
        lo, hi = spec["data_offsets"]
        out[name] = np.frombuffer(blob[lo:hi], dtype=kinds[spec["dtype"]]).reshape(spec["shape"])
    return out


class WordPiece:
    """BERT's uncased tokenizer: clean, lower-case, strip accents, split punctuation, then greedy WordPiece."""

    def __init__(self, vocab: Sequence[str]) -> None:
        self.ids = {w: i for i, w in enumerate(vocab)}
        self.unk, self.cls, self.sep = self.ids["[UNK]"], self.ids["[CLS]"], self.ids["[SEP]"]

    @staticmethod
    def _words(text: str) -> list[str]:
        text = "".join(" " if unicodedata.category(c).startswith("C") and c not in "\t\n\r" else c for c in text)
        text = unicodedata.normalize("NFD", text.lower())
        text = "".join(c for c in text if unicodedata.category(c) != "Mn")
        out = []
        for chunk in text.split():
            out.extend(w for w in re.split(r"([^\w]|_)", chunk) if w and not w.isspace())
        return out

    @lru_cache(maxsize=50_000)
    def _pieces(self, word: str) -> tuple[int, ...]:
        if len(word) > 100:
            return (self.unk,)
        out, start = [], 0
        while start < len(word):
            end = len(word)
            while end > start:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in self.ids:
                    out.append(self.ids[piece])
                    break
                end -= 1
            else:
                return (self.unk,)
            start = end
        return tuple(out)

    def encode(self, text: str) -> list[int]:
        return [i for w in self._words(text) for i in self._pieces(w)]


class MiniLM:
    """The encoder's weights and its forward pass."""

    def __init__(self, model_dir: Path = WEIGHTS_DIR) -> None:
        try:
            with np.load(model_dir / "weights.npz") as packed:
                w = {name: packed[name].astype(np.float32) for name in packed.files}
            vocab = (model_dir / "vocab.txt").read_text(encoding="utf-8").splitlines()
        except (OSError, ValueError, KeyError) as exc:
            raise EmbeddingError(f"cannot read the sentence-embedding weights in {model_dir}: {exc}") from None
        self.tokenizer = WordPiece(vocab)
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self.words = w["embeddings.word_embeddings.weight"]
        self.positions = w["embeddings.position_embeddings.weight"]
        self.type0 = w["embeddings.token_type_embeddings.weight"][0]
        self.ln0 = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        self.layers = []
        for k in range(6):
            p = f"encoder.layer.{k}."
            qkv_w = np.concatenate([w[p + f"attention.self.{n}.weight"] for n in ("query", "key", "value")]).T
            qkv_b = np.concatenate([w[p + f"attention.self.{n}.bias"] for n in ("query", "key", "value")])
            self.layers.append((
                np.ascontiguousarray(qkv_w), qkv_b,
                np.ascontiguousarray(w[p + "attention.output.dense.weight"].T), w[p + "attention.output.dense.bias"],
                (w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"]),
                np.ascontiguousarray(w[p + "intermediate.dense.weight"].T), w[p + "intermediate.dense.bias"],
                np.ascontiguousarray(w[p + "output.dense.weight"].T), w[p + "output.dense.bias"],
                (w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"]),
            ))

    @staticmethod
    def _norm(x: np.ndarray, ln: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        return (x - mean) / np.sqrt(var + _EPS) * ln[0] + ln[1]

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """(batch, tokens) ids and 0/1 mask -> mean-pooled, normalised (batch, 384).

        Dense layers run on the flattened (batch x tokens, 384) matrix: one BLAS call each."""
        b, n = ids.shape
        h_dim = self.words.shape[1]
        d = h_dim // _HEADS
        x = (self.words[ids] + self.positions[:n] + self.type0).reshape(b * n, h_dim)
        x = self._norm(x, self.ln0)
        bias = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
        scale = np.float32(1.0 / np.sqrt(d))
        for qkv_w, qkv_b, o_w, o_b, ln1, i_w, i_b, f_w, f_b, ln2 in self.layers:
            qkv = (x @ qkv_w + qkv_b).reshape(b, n, 3, _HEADS, d)
            q = np.ascontiguousarray(qkv[:, :, 0].transpose(0, 2, 1, 3)) * scale
            k = np.ascontiguousarray(qkv[:, :, 1].transpose(0, 2, 3, 1))
            v = np.ascontiguousarray(qkv[:, :, 2].transpose(0, 2, 1, 3))
            scores = q @ k + bias
            scores -= scores.max(-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(-1, keepdims=True)
            att = (scores @ v).transpose(0, 2, 1, 3).reshape(b * n, h_dim)
            x = self._norm(x + att @ o_w + o_b, ln1)
            x = self._norm(x + _gelu(x @ i_w + i_b) @ f_w + f_b, ln2)
        x = x.reshape(b, n, h_dim)
        pooled = (x * mask[..., None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1e-9)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)

    def _windows(self, text: str) -> list[list[int]]:
        ids = self.tokenizer.encode(text)
        room = MAX_TOKENS - 2
        if len(ids) <= room:
            return [[self.tokenizer.cls, *ids, self.tokenizer.sep]]
        return [[self.tokenizer.cls, *ids[s:s + room], self.tokenizer.sep]
                for s in range(0, max(1, len(ids) - room + STRIDE), STRIDE)]

    def encode(self, texts: Sequence[str], batch: int = 32,
               progress: Callable[[float], None] | None = None) -> np.ndarray:
        """One normalised 384-d vector per text; a long text is the normalised mean of its windows.

        Recent texts are remembered (CACHE_SIZE), so the model's confidence step and cross-validation
        never encode the same answer twice. ``progress(share)`` hears how much of the encoding is done
        after each batch (the longest step of training a model)."""
        texts = [t or "" for t in texts]
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            fresh = self._encode(missing, batch, progress)
            with self._lock:
                for t, v in zip(missing, fresh):
                    self._cache[t] = v
                    self._cache.move_to_end(t)
                while len(self._cache) > CACHE_SIZE:
                    self._cache.popitem(last=False)
                found = {t: self._cache[t] for t in missing}
        else:
            found = {}
        with self._lock:
            rows = [found[t] if t in found else self._cache[t] for t in texts]
        return np.vstack(rows) if rows else np.zeros((0, self.words.shape[1]), dtype=np.float32)

    def _encode(self, texts: Sequence[str], batch: int,
                progress: Callable[[float], None] | None = None) -> np.ndarray:
        windows, owner = [], []
        for t, text in enumerate(texts):
            for win in self._windows(text or ""):
                windows.append(win)
                owner.append(t)
        order = sorted(range(len(windows)), key=lambda i: len(windows[i]))  # batch similar lengths together
        vectors = np.zeros((len(windows), self.words.shape[1]), dtype=np.float32)
        done, total = 0, max(1, sum(map(len, windows)))
        for s in range(0, len(order), batch):
            chunk = order[s:s + batch]
            width = max(len(windows[i]) for i in chunk)
            ids = np.zeros((len(chunk), width), dtype=np.int64)
            mask = np.zeros((len(chunk), width), dtype=np.float32)
            for r, i in enumerate(chunk):
                ids[r, :len(windows[i])] = windows[i]
                mask[r, :len(windows[i])] = 1.0
            vectors[chunk] = self._forward(ids, mask)
            if progress is not None:  # by tokens, not windows: a batch of long windows takes longer
                done += sum(len(windows[i]) for i in chunk)
                progress(done / total)
        out = np.zeros((len(texts), vectors.shape[1]), dtype=np.float32)
        np.add.at(out, np.asarray(owner, dtype=int), vectors)
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)


_GELU_C = np.float32(np.sqrt(2.0 / np.pi))


def _gelu(h: np.ndarray) -> np.ndarray:
    """GELU in its tanh form: SciPy's exact erf took a quarter of the encoder's time, and the two
    differ by under 1e-3 (the embeddings by under 1e-4 in cosine: test_embeddings)."""
    return 0.5 * h * (1.0 + np.tanh(_GELU_C * (h + np.float32(0.044715) * h * h * h)))


_shared: MiniLM | None = None
_lock = threading.Lock()


def encoder() -> MiniLM:
    """The process's one encoder (80 MB of weights are read once)."""
    global _shared
    if _shared is None:
        with _lock:
            if _shared is None:
                _shared = MiniLM()
    return _shared


def export(src: Path, out: Path = WEIGHTS_DIR) -> None:
    """Write a BERT model folder's weights as the float16 file this module reads, with its vocabulary."""
    weights = _read_safetensors(src / "model.safetensors")
    out.mkdir(parents=True, exist_ok=True)
    np.savez(out / "weights.npz", **{k: v.astype(np.float16) for k, v in weights.items()
                                                 if k != "embeddings.position_ids"})
    (out / "vocab.txt").write_text((src / "vocab.txt").read_text(encoding="utf-8"), encoding="utf-8")


class SentenceEmbedding(BaseEstimator, TransformerMixin):
    """A scikit-learn step: texts -> 384 MiniLM dimensions. Stateless; the weights stay outside the artifact."""

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return encoder().encode(list(X))


if __name__ == "__main__":  # python -m analysis.embeddings export SRC_DIR
    import sys

    if len(sys.argv) == 3 and sys.argv[1] == "export":
        export(Path(sys.argv[2]))
        print(f"wrote {WEIGHTS_DIR}")
    else:
        print("usage: python -m analysis.embeddings export SRC_DIR", file=sys.stderr)
        sys.exit(2)
