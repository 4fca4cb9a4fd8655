"""Measure the model honestly, for analysis/MODEL_CARD.md and the README.

    python -m analysis.modelcard --real FILE [--designs] [--model ARTIFACT]
    python -m analysis.modelcard --evidence
    python -m analysis.modelcard --calibrate FILE [--prior-only]
    python -m analysis.modelcard --join PASSAGES RATER_A RATER_B --out FILE
    python -m analysis.modelcard --echo FILE [--threshold 0.65]
    python -m analysis.modelcard [--cv [--repeats 2] [--folds 5]]

``--real FILE`` scores real people's words: a ``label<TAB>text`` file of first-person passages
by workers, labelled blind by two raters by the labelling guide, keeping those both agree on.
Such text is quoted from public pages, so it never enters the repository; the figures this
prints do. It reports macro-F1, Cohen's kappa, the expected calibration error and the share
right among labels shown at >= 80 % confidence, for the shipped model and its peers (a
keyword lexicon; with ``--designs``, every design the model was chosen among, retrained on
the corpus). A fourth column of the file, ``sure`` or ``unsure`` (both raters' confidence),
adds figures for the passages both raters were sure of.

``--join`` builds such a file from the raters' work: PASSAGES is ``id<TAB>text`` (with a header),
each rater's file ``id<TAB>label<TAB>sure`` (with a header), labelled without seeing the other's.
It prints how far the two agree (Cohen's kappa, and where they differ) and writes the passages
both gave the same label, with ``sure`` only where both were sure.

``--echo FILE`` looks for training text that echoes real passages: every sentence of the corpus
and of the reason-sentence file is compared (MiniLM cosine) with every sentence of FILE's
passages (the ``--real`` format, or ``id<TAB>text`` with a header), and each training sentence
within ``--threshold`` of one is listed with its file, line and source. Writers must never copy
or closely paraphrase real text; run it on a new batch against every real-text set before the
batch is added, and on the corpus before a real-text set is trusted as untouched.

Without ``--real``: repeated stratified cross-validation on the corpus (the real pipeline,
refitted per fold) and the development sets (../shared), which are never trained on.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import RepeatedStratifiedKFold
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import StandardScaler

from analysis.calibration import calibration
from analysis.embeddings import SentenceEmbedding, encoder
from analysis.features import analyse_chars, analyse_ngrams
from analysis.lexicon import LexiconClassifier
from analysis.motivation import (LABELS, ModelError, MotivationModel, _weights, build_pipeline, evidence_scores,
                                 format_scores, scores)
from analysis.reasons import ReasonCues
from analysis.sentence_reader import SentenceReader, sentences
from analysis.registry import DEFAULT_ARTIFACT
from data.cli import say
from data.corpus import (CORPUS_FILE, SENTENCES_FILE, CorpusError, Example, load_corpus, load_labelled,
                         load_sentences)

SHARED = Path(__file__).resolve().parents[2] / "shared"
EVIDENCE_DIR = Path(__file__).resolve().parents[1] / "data" / "corpus"
DEV_SETS = {"development set": SHARED / "motivation-dev.tsv",
            "development set, real registers": SHARED / "motivation-dev-real.tsv"}


def _lr(C: float) -> LogisticRegression:
    return LogisticRegression(C=C, max_iter=5000, random_state=0)


def _reasons() -> Pipeline:
    return Pipeline([("cues", ReasonCues()), ("scale", StandardScaler())])


def _words() -> list:
    return [("words", TfidfVectorizer(analyzer=analyse_ngrams, sublinear_tf=True)),
            ("chars", TfidfVectorizer(analyzer=analyse_chars, sublinear_tf=True, min_df=2))]


# The designs the shipped one was chosen among (MODEL_CARD.md); each is a plain pipeline here,
# scored by its own probabilities. The shipped design adds the confidence step on top.
READER_DESIGN = "reason-sentence reader (written sentences, label by rule)"
DESIGNS: dict[str, Callable[[], Pipeline]] = {
    "n-grams only (the previous design, retrained)": lambda: Pipeline([("f", FeatureUnion(_words())),
                                                                        ("c", _lr(10))]),
    "reason phrases only (reason-first)": lambda: Pipeline([("f", _reasons()), ("c", _lr(1))]),
    "sentence embeddings only": lambda: Pipeline([("f", SentenceEmbedding()), ("c", _lr(10))]),
    "embeddings + reason phrases": lambda: Pipeline([("f", FeatureUnion([("e", SentenceEmbedding()),
                                                                          ("r", _reasons())])), ("c", _lr(3))]),
    "all four views, one logistic regression": lambda: build_pipeline(),
    READER_DESIGN: lambda: Pipeline([("c", SentenceReader())]),
}


BLEND_WEIGHTS = (0.25, 1.0)  # the weights the tenth and eleventh sets were read with (MODEL_CARD.md)


def blend(own: np.ndarray, reader: np.ndarray, weight: float) -> np.ndarray:
    """The model's own probabilities plus ``weight`` times the reader's, renormalised (columns in LABELS order)."""
    B = own / own.sum(axis=1, keepdims=True) + weight * reader / reader.sum(axis=1, keepdims=True)
    return B / B.sum(axis=1, keepdims=True)


def load_real(path: str | Path) -> tuple[list[Example], list[bool]]:
    """The real-text file (``label<TAB>text[<TAB>id[<TAB>sure]]``) and, per line, whether both raters
    were sure (True when not recorded). The passage is the second column alone: the id and the
    raters' "sure"/"unsure" are bookkeeping, never words for the model to read."""
    labelled = load_labelled(path)  # checks every label, naming a bad line
    examples, sure = [], []
    lines = [line for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    for example, line in zip(labelled, lines):
        cols = line.split("\t")
        examples.append(Example(example.label, cols[1]))
        sure.append(len(cols) < 4 or cols[3].strip().lower() != "unsure")
    return examples, sure


def row(name: str, truth: list[str], pred: list[str], confidence: list[float] | None) -> str:
    s = scores(truth, pred)
    if confidence is None:
        cal = "| n/a | n/a"
    else:
        c = calibration(confidence, [t == p for t, p in zip(truth, pred)])
        at = "n/a" if c.precision is None else f"{c.precision:.2f} ({c.confident})"
        cal = f"| {c.ece:.3f} | {at}"
    return f"| {name} | {s['macro_f1']:.3f} | {s['kappa']:.3f} {cal} |"


def real_text(path: str, model: MotivationModel, designs: bool, name: str = "shipped model") -> None:
    examples, sure = load_real(path)
    truth = [e.label for e in examples]
    counts = ", ".join(f"{label} {truth.count(label)}" for label in LABELS)
    say(f"real text: {path}: {len(examples)} passages ({counts}); both raters sure of {sum(sure)}\n")
    header = "| on real people's words | macro-F1 | Cohen's κ | ECE | right at ≥ 80 % (n) |\n|---|---|---|---|---|"
    say(header)
    preds = model.predict([e.text for e in examples], evidence=False)
    say(row(f"{name} {model.version}", truth, [p.label for p in preds], [p.confidence for p in preds]))
    keep = [i for i, s in enumerate(sure) if s]
    if 0 < len(keep) < len(examples):
        say(row(f"{name}, passages both raters were sure of", [truth[i] for i in keep],
                  [preds[i].label for i in keep], [preds[i].confidence for i in keep]))
    say(row("keyword lexicon", truth, list(LexiconClassifier().fit([], []).predict([e.text for e in examples])),
              None))
    if designs:
        corpus = load_corpus()
        weights = _weights(corpus)
        reader = None
        for design, make in DESIGNS.items():
            t0 = time.time()
            est = make()
            est.fit([e.text for e in corpus], [e.label for e in corpus], **{f"{est.steps[-1][0]}__sample_weight": weights})
            P = est.predict_proba([e.text for e in examples])
            classes = list(est.classes_)
            say(row(f"{design} ({time.time() - t0:.0f} s)", truth, [classes[i] for i in P.argmax(1)],
                      list(P.max(1))), flush=True)
            if design == READER_DESIGN:
                reader = P[:, [classes.index(label) for label in LABELS]]
        if reader is not None:
            own = model._read([e.text for e in examples])[0]
            for weight in BLEND_WEIGHTS:
                B = blend(own, reader, weight)
                say(row(f"{name} + the reader at weight {weight:g} (not shipped)", truth,
                        [LABELS[i] for i in B.argmax(1)], list(B.max(1))))
    say(f"\n{name} in full:\n" + format_scores(_evaluate(model, examples)))


def _evaluate(model: MotivationModel, examples: list[Example]) -> dict:
    from analysis.motivation import evaluate

    return evaluate(model, examples)


def cross_validate(make, texts, labels, folds: int, repeats: int) -> list[dict]:
    out = []
    cv = RepeatedStratifiedKFold(n_splits=folds, n_repeats=repeats, random_state=0)
    for train, test in cv.split(texts, labels):
        est = make().fit([texts[i] for i in train], [labels[i] for i in train])
        out.append(scores([labels[i] for i in test], list(est.predict([texts[i] for i in test]))))
    return out


def summary(runs: list[dict], key: str) -> str:
    vals = np.array([r[key] for r in runs])
    return f"{vals.mean():.3f} ± {vals.std(ddof=1):.3f}"


def corpus_style(model: MotivationModel, folds: int, repeats: int, cv: bool, name: str = "shipped model") -> None:
    corpus = load_corpus()
    texts, labels = [e.text for e in corpus], [e.label for e in corpus]
    makers = (("model pipeline", build_pipeline), ("lexicon baseline", LexiconClassifier)) if cv else ()
    if cv:
        say(f"corpus: {len(corpus)} answers; {repeats}x repeated stratified {folds}-fold CV (a few minutes a fold)\n")
    for what, make in makers:
        t0 = time.time()
        runs = cross_validate(make, texts, labels, folds, repeats)
        say(f"{what}: macro-F1 {summary(runs, 'macro_f1')}, accuracy {summary(runs, 'accuracy')}, "
              f"kappa {summary(runs, 'kappa')}, wrong side {summary(runs, 'wrong_side_rate')} "
              f"({time.time() - t0:.0f} s)", flush=True)
    held = model.meta.get("batch_held_out")
    if held:
        say(f"\n{name}, each writing batch held out in turn: macro-F1 {held['macro_f1']:.3f}, "
              f"ECE {held['ece']:.3f}")
    for label, path in DEV_SETS.items():
        if path.exists():
            say(f"\n{label} ({path.name}), {name}:\n" + format_scores(_evaluate(model, load_labelled(path))))


def evidence(model: MotivationModel) -> None:
    """Precision and recall of the highlighted phrases against the hand-marked evidence sets."""
    say("| evidence set | answers | phrases shown | decisive phrases marked | precision | recall |\n|---|---|---|---|---|---|")
    for path in sorted(EVIDENCE_DIR.glob("evidence*.tsv")):
        lines = [line.split("\t", 1)[1] for line in path.read_text(encoding="utf-8").splitlines()[1:] if line.strip()]
        s = evidence_scores(model, lines)
        say(f"| {path.name} | {s['answers']} | {s['shown']} | {s['marked']} | {s['precision']:.2f} | {s['recall']:.2f} |")


def calibrate(path: str, model: MotivationModel, artifact: Path, prior_only: bool = False) -> None:
    """Fit the real-text recalibration on a real-text file, write it beside the code, and into the artifact.

    Only weights leave the file: no passage enters the repository. Fit it on one half of the
    real passages and report on the other (``--real``), never on what you report."""
    from datetime import datetime, timezone

    from sklearn.linear_model import LogisticRegression

    from analysis.motivation import REAL_TEXT_CALIBRATION, _confidence_features, _familiarity, fit_prior

    examples, _ = load_real(path)
    texts = [e.text for e in examples]
    truth = [e.label for e in examples]
    model.set_prior(None)
    prior = fit_prior(model._read(texts)[0], truth)
    model.set_prior(prior)
    if prior_only:
        _refit_prior_only(path, model, artifact, prior, len(examples))
        return
    raw, agree = model._read(texts)
    fam = _familiarity(encoder().encode(texts), model.bank)
    conf = model.confidence.predict_proba(_confidence_features(raw, fam, texts))[:, 1]
    right = np.array(LABELS)[raw.argmax(1)] == np.array([e.label for e in examples])
    c = np.clip(conf, 1e-6, 1 - 1e-6)
    z = np.column_stack([np.log(c / (1 - c)), agree])
    fit = LogisticRegression(C=1.0, max_iter=1000).fit(z, right.astype(int))
    result = {"prior": prior,
              "weights": [round(float(w), 6) for w in fit.coef_[0]], "intercept": round(float(fit.intercept_[0]), 6),
              "features": ["logit of the corpus-learnt confidence", "reason phrases agree", "meaning agrees"],
              "fitted_on": f"{len(examples)} real passages ({Path(path).name})", "corpus_sha": model.meta["corpus_sha"],
              "fitted_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    result["prior_fitted_on"], result["prior_fitted_at"] = result["fitted_on"], result["fitted_at"]
    _write_calibration(result, model, artifact)
    before = calibration(conf, right)
    after = calibration(fit.predict_proba(z)[:, 1], right)
    shift = ", ".join(f"{label} {v:+.2f}" for label, v in prior.items())
    say(f"wrote {REAL_TEXT_CALIBRATION} and {artifact}\n  prior (log-odds): {shift}\n  before: {before.describe()}\n"
        f"  after (in sample): {after.describe()}")


def _write_calibration(result: dict, model: MotivationModel, artifact: Path) -> None:
    """The calibration beside the code and in the artifact, the artifact named for its prior.

    New labels under the old name would make a stored label's model_version ambiguous, and a database
    that holds the old artifact under that name could never tell the two apart."""
    import json

    from analysis.motivation import REAL_TEXT_CALIBRATION, default_version

    REAL_TEXT_CALIBRATION.write_text(json.dumps(result, indent=2) + "\n")
    model.meta["real_text_calibration"] = result
    if model.version.startswith("corpus-"):  # an organisation's own model keeps the name its trainer gave it
        model.meta["version"] = default_version(model.meta["corpus_sha"], result)
    model.save(artifact)


def _refit_prior_only(path: str, model: MotivationModel, artifact: Path, prior: dict, n: int) -> None:
    """Write a new prior beside the recalibration already fitted: the labels move, the map from the
    corpus-learnt confidence to the chance of being right stays as it was fitted."""
    import json
    from datetime import datetime, timezone

    from analysis.motivation import REAL_TEXT_CALIBRATION

    if not REAL_TEXT_CALIBRATION.exists():
        raise CorpusError(f"{REAL_TEXT_CALIBRATION}: no recalibration to keep; run --calibrate without --prior-only")
    result = json.loads(REAL_TEXT_CALIBRATION.read_text())
    before = result.get("prior", {})
    result["prior"] = prior
    result["prior_fitted_on"] = f"{n} real passages ({Path(path).name})"
    result["prior_fitted_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    _write_calibration(result, model, artifact)
    shift = ", ".join(f"{label} {before.get(label, 0.0):+.2f} -> {v:+.2f}" for label, v in prior.items())
    say(f"wrote {REAL_TEXT_CALIBRATION} and {artifact} (version {model.meta['version']})\n  prior (log-odds): {shift}\n"
        f"  recalibration kept (fitted on {result.get('fitted_on', 'an earlier set')})")


def _table(path: str, columns: tuple[str, ...]) -> dict[str, list[str]]:
    """A tab-separated file with a header naming at least ``columns``: its rows by their first column."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    if not lines:
        raise CorpusError(f"{path}: empty file")
    head = [h.strip().lower() for h in lines[0].split("\t")]
    if tuple(head[:len(columns)]) != columns:
        raise CorpusError(f"{path}: line 1 must be the header {chr(9).join(columns)!r}, not {lines[0][:60]!r}")
    rows: dict[str, list[str]] = {}
    for n, line in enumerate(lines[1:], 2):
        if not line.strip():
            continue
        cols = line.split("\t")
        if len(cols) < len(columns):
            raise CorpusError(f"{path}: line {n} has {len(cols)} columns, needs {len(columns)}")
        if cols[0].strip() in rows:
            raise CorpusError(f"{path}: line {n}: id {cols[0].strip()!r} appears twice")
        rows[cols[0].strip()] = [c.strip() for c in cols]
    return rows


def join_raters(passages: str, rater_a: str, rater_b: str, out: str) -> dict:
    """Join two blind raters' labels of the same passages; write the passages both labelled alike.

    Every passage must be rated by both, with a label from the guide and ``sure`` or ``unsure``;
    anything else stops the join with the file and line, before anything is written."""
    from collections import Counter

    from analysis.agreement import cohen_kappa

    texts = _table(passages, ("id", "text"))
    ratings = []
    for path in (rater_a, rater_b):
        rows = _table(path, ("id", "label", "sure"))
        for i, cols in rows.items():
            if cols[1].lower() not in LABELS:
                raise CorpusError(f"{path}: id {i!r}: label {cols[1]!r} is not one of {', '.join(LABELS)}")
            if cols[2].lower() not in ("sure", "unsure"):
                raise CorpusError(f"{path}: id {i!r}: {cols[2]!r} must be 'sure' or 'unsure'")
        missing = [i for i in texts if i not in rows]
        extra = [i for i in rows if i not in texts]
        if missing or extra:
            raise CorpusError(f"{path}: {len(missing)} passages not rated ({', '.join(missing[:5])}) and "
                              f"{len(extra)} ids not among the passages ({', '.join(extra[:5])})")
        ratings.append({i: (cols[1].lower(), cols[2].lower()) for i, cols in rows.items()})
    a, b = ratings
    ids = list(texts)
    agreed = [i for i in ids if a[i][0] == b[i][0]]
    lines = []
    for i in agreed:
        sure = "sure" if a[i][1] == b[i][1] == "sure" else "unsure"
        text = " ".join(" ".join(texts[i][1:]).split())  # a tab inside a passage is a space, not a cut
        lines.append(f"{a[i][0]}\t{text}\t{i}\t{sure}\n")
    Path(out).write_text("".join(lines), encoding="utf-8")
    kappa = cohen_kappa([a[i][0] for i in ids], [b[i][0] for i in ids])
    kept = Counter(a[i][0] for i in agreed)
    differ = Counter(f"{a[i][0]} / {b[i][0]}" for i in ids if a[i][0] != b[i][0])
    kappa_text = "undefined" if kappa is None else f"{kappa:.3f}"
    say(f"{len(ids)} passages rated by both; they agree on {len(agreed)} ({len(agreed) / max(1, len(ids)):.1%}), "
        f"Cohen's kappa {kappa_text}")
    say("kept: " + ", ".join(f"{label} {kept[label]}" for label in LABELS) + f"; written to {out}")
    if differ:
        say("they differ (rater A / rater B): " + ", ".join(f"{k} {v}" for k, v in differ.most_common()))
    return {"rated": len(ids), "agreed": len(agreed), "kappa": kappa, "kept": dict(kept)}


ECHO_THRESHOLD = 0.65  # MiniLM cosine: a wide net (most hits against real text share only a topic); read closest first


@dataclass(frozen=True)
class Echo:
    """A training sentence that lies within the threshold of a sentence of a real passage."""

    similarity: float
    where: str  # training file and line
    source: str
    sentence: str
    passage: str  # the real passage's id
    real_sentence: str


def echoes(training: list[tuple[str, str, str]], real: list[tuple[str, str]],
           threshold: float = ECHO_THRESHOLD) -> list[Echo]:
    """``training`` is (where, source, text) and ``real`` (id, text); every sentence of each is compared,
    and each training sentence within ``threshold`` of a real one is returned once, with its closest
    real sentence, closest first."""
    if not training or not real:
        return []
    t_rows = [(w, src, s) for w, src, text in training for s in sentences(text) if len(s.split()) >= 4]
    r_rows = [(pid, s) for pid, text in real for s in sentences(text) if len(s.split()) >= 4]
    if not t_rows or not r_rows:
        return []
    R = encoder().encode([s for _, s in r_rows])
    out = []
    for start in range(0, len(t_rows), 2048):
        chunk = t_rows[start:start + 2048]
        sims = encoder().encode([s for _, _, s in chunk]) @ R.T
        best = sims.argmax(1)
        for (where, src, s), j, sim in zip(chunk, best, sims[np.arange(len(chunk)), best]):
            if sim >= threshold:
                out.append(Echo(round(float(sim), 3), where, src, s, r_rows[j][0], r_rows[j][1]))
    return sorted(out, key=lambda e: -e.similarity)


def _real_passages(path: str) -> list[tuple[str, str]]:
    """(id, text) from a real-text file, or from a raters' passages file (``id<TAB>text`` with a header)."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise CorpusError(f"{path}: file not found") from None
    except UnicodeDecodeError:
        raise CorpusError(f"{path}: not UTF-8 text") from None
    if lines and [c.strip().lower() for c in lines[0].split("\t")[:2]] == ["id", "text"]:
        return [(i, " ".join(cols[1:])) for i, cols in _table(path, ("id", "text")).items()]
    examples, _ = load_real(path)
    ids = [line.split("\t")[2] if line.count("\t") >= 2 else f"line {n}"
           for n, line in enumerate(lines, start=1) if line.strip()]
    return list(zip(ids, [e.text for e in examples]))


def echo_check(path: str, threshold: float) -> int:
    """Print the training sentences that echo FILE's passages; the number found."""
    training = []
    for file, rows in ((CORPUS_FILE, load_corpus()), (SENTENCES_FILE, load_sentences())):
        training += [(f"{file.name}:{n}", e.source, e.text) for n, e in enumerate(rows, start=2)]
    real = _real_passages(path)
    found = echoes(training, real, threshold)
    say(f"{len(training)} training lines against {len(real)} real passages: {len(found)} sentences at cosine >= {threshold}")
    for e in found:
        say(f"{e.similarity:.3f}  {e.where} ({e.source or 'no source'}): {e.sentence!r}\n"
            f"       echoes {e.passage}: {e.real_sentence!r}")
    return len(found)


def main(argv: list[str] | None = None, prog: str = "python -m analysis.modelcard") -> int:
    from data.cli import command

    parser = argparse.ArgumentParser(prog=prog, description=__doc__.split("\n\n")[0])
    parser.add_argument("--real", metavar="FILE", help="score real people's words (label<TAB>text[<TAB>id<TAB>sure])")
    parser.add_argument("--designs", action="store_true", help="with --real: also retrain and score every design")
    parser.add_argument("--evidence", action="store_true", help="score the highlighted evidence against data/corpus/evidence*.tsv")
    parser.add_argument("--calibrate", metavar="FILE", help="fit the real-text recalibration on FILE (see analysis/motivation.py)")
    parser.add_argument("--prior-only", action="store_true",
                        help="with --calibrate: refit only the real-text prior, keep the recalibration as it is")
    parser.add_argument("--join", nargs=3, metavar=("PASSAGES", "RATER_A", "RATER_B"),
                        help="join two blind raters' labels into a real-text file (needs --out)")
    parser.add_argument("--out", metavar="FILE", help="with --join: where to write the agreed passages")
    parser.add_argument("--echo", metavar="FILE", help="list training sentences that echo FILE's real passages")
    parser.add_argument("--threshold", type=float, default=ECHO_THRESHOLD, help="with --echo: the cosine (default 0.65)")
    parser.add_argument("--model", help="a .skops artifact (default: the shipped one)")
    parser.add_argument("--cv", action="store_true", help="also cross-validate on the corpus (slow: ~20 minutes)")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args(argv)

    if args.join and not args.out:
        parser.error("--join needs --out FILE")
    if args.prior_only and not args.calibrate:
        parser.error("--prior-only goes with --calibrate FILE")
    if not 0 < args.threshold <= 1:
        parser.error(f"--threshold is a cosine similarity above 0 and at most 1, not {args.threshold:g}")

    def run() -> None:
        if args.join:
            join_raters(*args.join, args.out)
            return
        if args.echo:
            echo_check(args.echo, args.threshold)
            return
        model = MotivationModel.load(args.model or DEFAULT_ARTIFACT)
        name = f"model {Path(args.model).name}" if args.model else "shipped model"
        if args.calibrate:
            model.meta["real_text_calibration"] = None
            calibrate(args.calibrate, model, Path(args.model or DEFAULT_ARTIFACT), args.prior_only)
        elif args.evidence:
            evidence(model)
        elif args.real:
            real_text(args.real, model, args.designs, name)
        else:
            corpus_style(model, args.folds, args.repeats, args.cv, name)

    return command(run, errors=(CorpusError, ModelError))


if __name__ == "__main__":
    sys.exit(main())
