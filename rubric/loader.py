"""The one strict loader for kit files.

A kit is a TOML file. Anything unexpected - an unknown key, a missing anchor, a
question citing a principle the kit does not define - fails loudly with the file,
the question and the problem, because a silently half-loaded kit would put a
wrong rating scale in front of an interviewer.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from rubric.model import RATING_LEVELS, Principle, Question, Rubric, RubricError

KITS_DIR = Path(__file__).resolve().parent / "kits"
DEFAULT_KIT_FILE = KITS_DIR / "customer_service.toml"

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_TOP_KEYS = {"id", "name", "version", "description", "principles", "questions", "scoring", "follow_up"}
_FOLLOW_UPS = {"extrinsic"}  # [follow_up]: the probe the interview suggests when an answer reads so
MAX_MOTIVATION_WEIGHT = 0.5  # the model's labels never weigh more than the interviewers' ratings
_REQUIRED_TOP = {"id", "name", "version", "principles", "questions"}
_Q_KEYS = {"id", "title", "prompt", "why", "feeling", "principles", "probes", "anchors", "weight"}
_Q_REQUIRED = {"id", "title", "prompt", "why", "feeling", "principles", "anchors"}


def _text(value: Any, where: str, field: str, *, max_len: int = 2000) -> str:
    if not isinstance(value, str) or not value.strip():
        raise RubricError(f"{where}: '{field}' must be a non-empty string")
    if len(value) > max_len:
        raise RubricError(f"{where}: '{field}' is longer than {max_len} characters")
    return value.strip()


def _question(raw: Any, index: int, origin: str, principles: set[str]) -> Question:
    if not isinstance(raw, dict):
        raise RubricError(f"{origin}: question #{index + 1}: must be a table ([[questions]])")
    qid = raw.get("id")
    where = f"{origin}: question '{qid}'" if isinstance(qid, str) else f"{origin}: question #{index + 1}"
    unknown = set(raw) - _Q_KEYS
    if unknown:
        raise RubricError(f"{where}: unknown key(s) {sorted(unknown)}; allowed: {sorted(_Q_KEYS)}")
    missing = _Q_REQUIRED - set(raw)
    if missing:
        raise RubricError(f"{where}: missing key(s) {sorted(missing)}")
    if not isinstance(qid, str) or not _ID.match(qid):
        raise RubricError(f"{where}: 'id' must be lowercase letters, digits, '-' or '_' (max 64)")

    cited = raw["principles"]
    if not isinstance(cited, list) or not cited or not all(isinstance(p, str) for p in cited):
        raise RubricError(f"{where}: 'principles' must be a non-empty list of principle names")
    undefined = [p for p in cited if p not in principles]
    if undefined:
        raise RubricError(f"{where}: cites undefined principle(s) {undefined}; define them under [principles]")

    probes = raw.get("probes", [])
    if not isinstance(probes, list) or not all(isinstance(p, str) and p.strip() for p in probes):
        raise RubricError(f"{where}: 'probes' must be a list of non-empty strings")

    anchors = raw["anchors"]
    if not isinstance(anchors, dict):
        raise RubricError(f"{where}: 'anchors' must be a table with keys \"1\" to \"5\"")
    keys = set(anchors)
    expected = {str(level) for level in RATING_LEVELS}
    if keys != expected:
        absent = sorted(expected - keys)
        extra = sorted(keys - expected)
        detail = []
        if absent:
            detail.append(f"missing level(s) {absent}")
        if extra:
            detail.append(f"unexpected key(s) {extra}")
        raise RubricError(f"{where}: anchors need exactly the levels 1-5: {'; '.join(detail)}")
    anchor_texts = tuple(_text(anchors[str(level)], where, f"anchors.{level}") for level in RATING_LEVELS)

    weight = raw.get("weight", 1.0)
    if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not (0 < float(weight) <= 10):
        raise RubricError(f"{where}: 'weight' must be a number above 0 and at most 10")

    return Question(
        id=qid,
        title=_text(raw["title"], where, "title", max_len=200),
        prompt=_text(raw["prompt"], where, "prompt"),
        why_prompt=_text(raw["why"], where, "why"),
        feeling_prompt=_text(raw["feeling"], where, "feeling"),
        principles=tuple(cited),
        probes=tuple(p.strip() for p in probes),
        anchors=anchor_texts,
        weight=float(weight),
    )


def _principle(name: str, value: Any, origin: str) -> Principle:
    """`name = "summary"`, or a table `[principles.name]` with `summary` and the `title` people read."""
    where = f"{origin}: principle '{name}'"
    if not _ID.match(name):
        raise RubricError(f"{origin}: principle name '{name}' must be lowercase letters, digits, '-' or '_'")
    if not isinstance(value, dict):
        return Principle(name=name, summary=_text(value, where, "summary"))
    if set(value) - {"title", "summary"} or "summary" not in value:
        raise RubricError(f"{where}: a principle table takes 'summary' and optionally 'title'")
    title = _text(value["title"], where, "title", max_len=200) if "title" in value else ""
    return Principle(name=name, summary=_text(value["summary"], where, "summary"), title=title)


def load_kit_text(text: str, origin: str = "<kit>") -> Rubric:
    """Parse and validate a kit from TOML text; `origin` names it in every error."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RubricError(f"{origin}: not valid TOML: {exc}") from exc

    unknown = set(raw) - _TOP_KEYS
    if unknown:
        raise RubricError(f"{origin}: unknown top-level key(s) {sorted(unknown)}; allowed: {sorted(_TOP_KEYS)}")
    missing = _REQUIRED_TOP - set(raw)
    if missing:
        raise RubricError(f"{origin}: missing top-level key(s) {sorted(missing)}")
    kit_id = raw["id"]
    if not isinstance(kit_id, str) or not _ID.match(kit_id):
        raise RubricError(f"{origin}: 'id' must be lowercase letters, digits, '-' or '_' (max 64)")
    version = raw["version"]
    if not isinstance(version, str) or not re.match(r"^[0-9A-Za-z][0-9A-Za-z.+-]{0,31}$", version):
        raise RubricError(f"{origin}: 'version' must be a string such as \"1.0.0\" (quoted)")

    raw_principles = raw["principles"]
    if not isinstance(raw_principles, dict) or not raw_principles:
        raise RubricError(f"{origin}: [principles] must map each short name to its summary")
    principles = [_principle(name, value, origin) for name, value in raw_principles.items()]

    raw_questions = raw["questions"]
    if not isinstance(raw_questions, list) or not raw_questions:
        raise RubricError(f"{origin}: the kit needs at least one [[questions]] entry")
    names = {p.name for p in principles}
    questions = tuple(_question(q, i, origin, names) for i, q in enumerate(raw_questions))
    seen: set[str] = set()
    for q in questions:
        if q.id in seen:
            raise RubricError(f"{origin}: question '{q.id}': the id is used twice")
        seen.add(q.id)

    scoring = raw.get("scoring", {})
    if not isinstance(scoring, dict) or set(scoring) - {"motivation_weight"}:
        raise RubricError(f"{origin}: [scoring] takes only 'motivation_weight'")
    weight = scoring.get("motivation_weight", 0.0)
    if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not 0 <= weight <= MAX_MOTIVATION_WEIGHT:
        raise RubricError(
            f"{origin}: [scoring] motivation_weight must be between 0 and {MAX_MOTIVATION_WEIGHT}: the motivation "
            "label advises and may never weigh more than the interviewers' own ratings"
        )

    follow_up = raw.get("follow_up", {})
    if not isinstance(follow_up, dict) or set(follow_up) - _FOLLOW_UPS:
        raise RubricError(f"{origin}: [follow_up] takes only {sorted(_FOLLOW_UPS)}")
    extrinsic_probe = _text(follow_up["extrinsic"], f"{origin}: [follow_up]", "extrinsic") if follow_up else ""

    return Rubric(
        id=kit_id,
        name=_text(raw["name"], origin, "name", max_len=200),
        version=version,
        description=str(raw.get("description", "")).strip(),
        principles=tuple(principles),
        questions=questions,
        source=text,
        motivation_weight=float(weight),
        extrinsic_probe=extrinsic_probe,
    )


def load_kit(path: str | Path) -> Rubric:
    """Load one kit file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise RubricError(f"{path}: kit file not found") from exc
    except UnicodeDecodeError as exc:
        raise RubricError(f"{path}: kit file is not UTF-8 text") from exc
    return load_kit_text(text, origin=str(path))


def load_kits(extra_dir: str | Path | None = None) -> dict[str, Rubric]:
    """The built-in kits plus an organisation's own folder of *.toml kits, keyed by kit id.

    Two files claiming the same kit id is an error: which one an interviewer got
    would otherwise depend on file order.
    """
    files = sorted(KITS_DIR.glob("*.toml"))
    if extra_dir is not None:
        folder = Path(extra_dir)
        if not folder.is_dir():
            raise RubricError(f"{folder}: kits folder does not exist (check MOTIVE_KITS_DIR)")
        files += sorted(folder.glob("*.toml"))
    kits: dict[str, Rubric] = {}
    origins: dict[str, Path] = {}
    for f in files:
        kit = load_kit(f)
        if kit.id in kits:
            raise RubricError(f"{f}: kit id '{kit.id}' is already used by {origins[kit.id]}")
        kits[kit.id] = kit
        origins[kit.id] = f
    return kits


def default_kit() -> Rubric:
    """The built-in customer-service kit."""
    return load_kit(DEFAULT_KIT_FILE)
