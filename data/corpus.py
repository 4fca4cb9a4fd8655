"""The labelled motivation corpus: loading, integrity checks, and assembling it from review batches.

The corpus file is ``data/corpus/motivation.tsv``: a header line, then
``label<TAB>text<TAB>note<TAB>source`` rows. It was written for this project by the
labelling guide's rules, in several voices, and second-read by a separate labeller;
lines the second labeller found ambiguous were dropped. It never contains anything
from the development set, which stays held out for evaluation.
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from data.records import MOTIVE_LABELS

CORPUS_FILE = Path(__file__).resolve().parent / "corpus" / "motivation.tsv"
# Single sentences labelled by whether they state a reason for acting, and which side: the
# training material of a reason-clause reader (issue 11), measured in the model card, not yet
# part of the shipped model.
SENTENCES_FILE = Path(__file__).resolve().parent / "corpus" / "reason-sentences.tsv"
SENTENCE_LABELS = ("inner", "outer", "none")
LABELS = MOTIVE_LABELS  # the one label vocabulary, declared with the records
HEADER = ("label", "text", "note", "source")


class CorpusError(ValueError):
    """A corpus or labelled file is malformed; the message names the file and line."""


@dataclass(frozen=True)
class Example:
    """One labelled answer; `note` explains the label for hard cases."""

    label: str
    text: str
    note: str = ""
    source: str = ""


def load_corpus(path: Path = CORPUS_FILE, labels: tuple[str, ...] = LABELS) -> list[Example]:
    out = []
    with open(path, encoding="utf-8", newline="") as f:
        header = f.readline().rstrip("\n").split("\t")
        if tuple(header) != HEADER:
            raise CorpusError(f"{path}: first line must be the header {'<TAB>'.join(HEADER)}")
        for n, line in enumerate(f, start=2):
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 4:
                raise CorpusError(f"{path}:{n}: expected 4 tab-separated columns, found {len(parts)}")
            label, text, note, source = parts
            if label not in labels:
                raise CorpusError(f"{path}:{n}: unknown label {label!r}")
            if not text.strip():
                raise CorpusError(f"{path}:{n}: empty text")
            out.append(Example(label, text, note, source))
    return out


def load_sentences(path: Path = SENTENCES_FILE) -> list[Example]:
    """The reason sentences: same columns as the corpus, labels ``inner``, ``outer`` or ``none``."""
    return load_corpus(path, SENTENCE_LABELS)


def load_labelled(path: str | Path) -> list[Example]:
    """A ``label<TAB>text`` file (the evaluation format); a clear error names any bad line."""
    path = Path(path)
    out = []
    try:
        text = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CorpusError(f"{path}: file not found") from None
    except UnicodeDecodeError:
        raise CorpusError(f"{path}: not UTF-8 text") from None
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if "\t" not in line:
            raise CorpusError(f"{path}:{n}: expected label<TAB>text")
        label, body = line.split("\t", 1)
        label = label.strip().lower()
        if label not in LABELS:
            raise CorpusError(f"{path}:{n}: unknown label {label!r}; expected one of {', '.join(LABELS)}")
        out.append(Example(label, body))
    if not out:
        raise CorpusError(f"{path}: no labelled lines")
    return out


def corpus_sha(examples: list[Example]) -> str:
    h = hashlib.sha256()
    for e in examples:
        h.update(f"{e.label}\t{e.text}\n".encode("utf-8"))
    return h.hexdigest()


def _shingles(text: str, n: int = 3) -> frozenset[tuple[str, ...]]:
    words = re.sub(r"[^a-z0-9 ]", " ", text.lower()).split()
    if len(words) < n:
        return frozenset({tuple(words)})
    return frozenset(tuple(words[i:i + n]) for i in range(len(words) - n + 1))


def near_duplicates(texts_a: list[str], texts_b: list[str] | None = None, threshold: float = 0.5) -> list[tuple[int, int, float]]:
    """Pairs (i, j, jaccard) whose word-trigram overlap exceeds `threshold`.

    With one list, pairs within it (i < j); with two, pairs across them.
    """
    A = [_shingles(t) for t in texts_a]
    B = A if texts_b is None else [_shingles(t) for t in texts_b]
    index: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for j, s in enumerate(B):
        for g in s:
            index[g].append(j)
    out = []
    for i, s in enumerate(A):
        shared: Counter[int] = Counter()
        for g in s:
            for j in index[g]:
                if texts_b is not None or j > i:
                    shared[j] += 1
        for j, k in shared.items():
            jac = k / len(s | B[j])
            if jac > threshold:
                out.append((i, j, jac))
    return out


def assemble(parts_dir: Path, out: Path = CORPUS_FILE) -> tuple[int, int]:
    """Merge part files, apply the second labeller's review (relabel / drop), drop near-duplicates.

    Returns (kept, dropped). Used once per batch of new writing; the result is reviewed in git.
    """
    rows: list[Example] = []
    dropped = 0
    for part in sorted(parts_dir.glob("part*.tsv")):
        review_file = parts_dir.parent / "reviews" / f"{part.stem}.review.tsv"
        review = {}
        if review_file.exists():
            for line in review_file.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    num, action, new_label, *_ = line.split("\t")
                    review[int(num)] = (action, new_label)
        for n, line in enumerate(part.read_text(encoding="utf-8").splitlines(), start=1):
            label, text, note = (line.split("\t") + ["", ""])[:3]
            action, new_label = review.get(n, ("keep", label))
            if action == "drop":
                dropped += 1
                continue
            if action == "relabel":
                note = f"relabelled on review ({label} -> {new_label}); {note}".strip("; ")
                label = new_label
            rows.append(Example(label.strip(), " ".join(text.split()), note.strip(), part.stem))
    seen: set[str] = set()
    unique = []
    for r in rows:
        key = r.text.lower()
        if key in seen:
            dropped += 1
            continue
        seen.add(key)
        unique.append(r)
    duplicate_of = {j for _, j, _ in near_duplicates([r.text for r in unique])}
    dropped += len(duplicate_of)
    kept = [r for k, r in enumerate(unique) if k not in duplicate_of]
    with open(out, "w", encoding="utf-8", newline="") as f:
        f.write("\t".join(HEADER) + "\n")
        for r in kept:
            fields = (r.label, r.text, " ".join(r.note.split()), r.source)
            f.write("\t".join(fields) + "\n")
    return len(kept), dropped


def add_batches(parts_dir: Path, held_out: list[Path], out: Path = CORPUS_FILE) -> dict[str, int]:
    """Append new writing batches that a second reader labelled blind.

    ``parts_dir`` holds ``partN.tsv`` (label, text, note) and ``reviews/partN.blind.tsv`` (n, label):
    the second reader saw the texts only. A line is kept when both labels agree; a line the second
    reader called ambiguous, or labelled otherwise, is dropped. Then lines that repeat the corpus
    or each other (exactly, or a near-duplicate *with the same label*; a contrastive pair, the same
    story with another stated reason, is the point of a batch and stays) are dropped, and so is
    anything near a held-out evaluation set. Returns counts of what happened."""
    existing = load_corpus(out)
    counts = Counter()
    new: list[Example] = []
    for part in sorted(parts_dir.glob("part*.tsv"), key=lambda f: int(re.sub(r"\D", "", f.stem) or 0)):
        review_file = parts_dir / "reviews" / f"{part.stem}.blind.tsv"
        if not review_file.exists():
            raise CorpusError(f"{part}: no blind second reading at {review_file}")
        second = {}
        for line in review_file.read_text(encoding="utf-8").splitlines()[1:]:
            if line.strip():
                num, label = line.split("\t")[:2]
                second[int(num)] = label.strip().lower()
        for n, line in enumerate(part.read_text(encoding="utf-8").splitlines(), start=1):
            label, text, note = (line.split("\t") + ["", ""])[:3]
            label, text = label.strip().lower(), " ".join(text.split())
            if label not in LABELS or not text:
                raise CorpusError(f"{part}:{n}: expected label<TAB>text<TAB>note")
            if second.get(n) != label:
                counts["second reader disagreed or found it ambiguous"] += 1
                continue
            new.append(Example(label, text, " ".join(note.split()), part.stem))
    seen = {e.text.lower() for e in existing}
    unique = []
    for e in new:
        if e.text.lower() in seen:
            counts["exact duplicate"] += 1
            continue
        seen.add(e.text.lower())
        unique.append(e)
    everything = existing + unique
    drop: set[int] = set()
    for i, j, _ in near_duplicates([e.text for e in everything]):
        later = max(i, j)
        if later >= len(existing) and everything[i].label == everything[j].label:
            drop.add(later)
    counts["near-duplicate with the same label"] += len(drop)
    texts = [e.text for e in everything]
    for path in held_out:
        for _, j, _ in near_duplicates([e.text for e in load_labelled(path)], texts, threshold=0.3):
            if j >= len(existing) and j not in drop:
                drop.add(j)
                counts[f"near {path.name}"] += 1
    kept = [e for k, e in enumerate(everything) if k < len(existing) or k not in drop]
    with open(out, "w", encoding="utf-8", newline="") as f:
        f.write("\t".join(HEADER) + "\n")
        for r in kept:
            f.write("\t".join((r.label, r.text, r.note, r.source)) + "\n")
    counts["added"] = len(kept) - len(existing)
    return dict(counts)


def main(argv: list[str] | None = None, prog: str = "python -m data.corpus") -> int:
    import argparse

    from data.cli import command, say

    parser = argparse.ArgumentParser(prog=prog, description="Build the labelled corpus from writing batches.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("assemble", help="rebuild the corpus from every batch in PARTS_DIR").add_argument("parts")
    add = sub.add_parser("add", help="append the batches in PARTS_DIR, dropping near-duplicates and "
                                     "anything near a held-out set")
    add.add_argument("parts")
    add.add_argument("held_out", nargs="*", help="held-out .tsv sets nothing may come near")
    args = parser.parse_args(argv)

    def run() -> None:
        if args.command == "assemble":
            say("kept %d, dropped %d" % assemble(Path(args.parts)))
        else:
            for what, n in add_batches(Path(args.parts), [Path(a) for a in args.held_out]).items():
                say(f"{what}: {n}")

    return command(run, errors=(CorpusError,))


if __name__ == "__main__":
    sys.exit(main())
