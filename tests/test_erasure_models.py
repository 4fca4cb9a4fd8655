"""Erasure reaches the stored model versions: no artifact keeps an erased candidate's words (issue 15, item 7)."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import numpy as np
import pytest
from sqlalchemy import select, text, update

from analysis.registry import ensure_active_model
from data import migrations
from data.errors import ConflictError
from data.records import ModelStatus
from data.schema import model_versions
from data.store import make_engine, utcnow
from tests.conftest import make_user

WORDS = "Zebedee quixotically rescued the marmalade consignment"


def holds(artifact: bytes, words: str) -> bool:
    """Whether the artifact's bytes, or any file inside it once unzipped, contain the words.

    NumPy keeps string arrays (a vocabulary) as UTF-32, so both that and UTF-8 are looked for."""
    blobs = [artifact]
    try:
        with zipfile.ZipFile(io.BytesIO(artifact)) as z:
            blobs += [z.read(name) for name in z.namelist()]
    except zipfile.BadZipFile:
        pass
    needles = [words.lower().encode(enc) for enc in ("utf-8", "utf-32-le")]
    return any(needle in blob.lower() for blob in blobs for needle in needles)


def artifact(*terms: str) -> bytes:
    """A zipped artifact whose vocabulary holds these terms, as a retrained skops artifact holds its n-grams."""
    out = io.BytesIO()
    vocab = io.BytesIO()
    np.save(vocab, np.array(["the", "because", *terms], dtype=str))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("vocab0.npy", vocab.getvalue())
    return out.getvalue()


def reviewed_candidate(store, admin, interviewer, kit, name, why):
    pos = next(iter(store.list_positions()), None) or store.create_position(admin, "Support")
    cand = store.add_candidate(admin, pos.id, name, same_name_ok=True)
    iid = store.start_interview(interviewer, cand.id, kit)
    q = kit.questions[0].id
    store.save_answer_field(interviewer, iid, q, "why", why)
    store.record_label(interviewer, iid, q, label="intrinsic", confidence=0.9, probabilities={"intrinsic": 0.9},
                       evidence=[], model_version="m1", input_text=why)
    store.review_label(interviewer, iid, q, action="confirm")
    return cand


def stored(store) -> dict[str, tuple[str, bytes]]:
    with store.reading() as conn:
        return {r.version: (r.status, bytes(r.artifact))
                for r in conn.execute(select(model_versions.c.version, model_versions.c.status, model_versions.c.artifact))}


def test_erasure_deletes_every_model_version_that_learnt_from_the_candidate(store, admin, hr, interviewer, kit):
    default = ensure_active_model(store)
    jane = reviewed_candidate(store, admin, interviewer, kit, "Jane Roe", WORDS)
    sam = reviewed_candidate(store, admin, interviewer, kit, "Sam Poe", "My manager told me to.")
    store.add_model_version(admin, "org-old", artifact(WORDS.lower(), "manager"), metrics={},
                            trained_on=[jane.id, sam.id], activate=True)
    store.add_model_version(admin, "org-new", artifact(WORDS.lower()), metrics={}, trained_on=[jane.id],
                            activate=True)
    store.add_model_version(admin, "org-sam", artifact("manager"), metrics={}, trained_on=[sam.id])
    store.retire_model(admin, "org-sam")  # retired or not, a version is kept until someone deletes it
    assert holds(stored(store)["org-old"][1], WORDS)  # the check can see the words while they are there

    result = store.erase_candidate(hr, jane.id, "candidate request")

    assert result.models_deleted == ("org-old", "org-new")
    assert result.active_deleted and result.model_activated == default  # the roll-back target went too
    left = stored(store)
    assert set(left) == {default, "org-sam"}
    assert not any(holds(data, WORDS) for _, data in left.values())
    assert left[default][0] == ModelStatus.ACTIVE and store.active_model_version() == default
    tomb = store.audit_entries(admin, action="candidate.erased")[0][0]
    assert tomb.detail["models_deleted"] == ["org-old", "org-new"] and tomb.detail["model_activated"] == default


def test_retention_anonymisation_deletes_the_model_versions_that_learnt_from_the_candidate(store, admin, hr,
                                                                                          interviewer, kit):
    """Anonymising removes a candidate's words from the records, so from the models trained on them too."""
    from data.schema import candidates
    from tests.builders import age

    default = ensure_active_model(store)
    jane = reviewed_candidate(store, admin, interviewer, kit, "Jane Roe", WORDS)
    sam = reviewed_candidate(store, admin, interviewer, kit, "Sam Poe", "My manager told me to.")
    store.add_model_version(admin, "org-jane", artifact(WORDS.lower()), metrics={}, trained_on=[jane.id, sam.id],
                            activate=True)
    store.add_model_version(admin, "org-sam", artifact("manager"), metrics={}, trained_on=[sam.id])
    store.set_candidate_status(admin, jane.id, "rejected")
    age(store, jane.id, 40)
    with store.atomic() as conn:
        conn.execute(update(candidates).where(candidates.c.id == jane.id)
                     .values(status_changed_at=utcnow() - timedelta(days=40)))
    store.set_retention(hr, jane.position_id, 30)
    assert store.apply_retention(hr, dry_run=True).models_deleted == ()  # a dry run deletes nothing

    run = store.apply_retention(hr)

    assert run.anonymised == {jane.position_id: (jane.id,)} and run.models_deleted == ("org-jane",)
    left = stored(store)
    assert set(left) == {default, "org-sam"} and not any(holds(data, WORDS) for _, data in left.values())
    assert store.active_model_version() == default  # the roll-back target took over
    entry = store.audit_entries(admin, action="retention.anonymised")[0][0]
    assert entry.detail["models_deleted"] == ["org-jane"]


def test_erasure_falls_back_to_the_roll_back_target_when_it_did_not_learn_from_them(store, admin, hr,
                                                                                     interviewer, kit):
    ensure_active_model(store)
    jane = reviewed_candidate(store, admin, interviewer, kit, "Jane Roe", WORDS)
    sam = reviewed_candidate(store, admin, interviewer, kit, "Sam Poe", "My manager told me to.")
    store.add_model_version(admin, "org-sam", artifact("manager"), metrics={}, trained_on=[sam.id], activate=True)
    store.add_model_version(admin, "org-jane", artifact(WORDS), metrics={}, trained_on=[jane.id, sam.id],
                            activate=True)
    result = store.erase_candidate(hr, jane.id, "candidate request")
    assert (result.models_deleted, result.active_deleted, result.model_activated) == (("org-jane",), True, "org-sam")
    assert store.active_model_version() == "org-sam"


def test_erasure_leaves_versions_that_never_saw_the_candidate_and_says_so(store, admin, hr, interviewer, kit):
    default = ensure_active_model(store)
    jane = reviewed_candidate(store, admin, interviewer, kit, "Jane Roe", WORDS)
    sam = reviewed_candidate(store, admin, interviewer, kit, "Sam Poe", "My manager told me to.")
    store.add_model_version(admin, "org-sam", artifact("manager"), metrics={}, trained_on=[sam.id])
    result = store.erase_candidate(hr, jane.id, "candidate request")
    assert (result.models_deleted, result.active_deleted, result.model_activated) == ((), False, None)
    assert set(stored(store)) == {default, "org-sam"} and store.active_model_version() == default


def test_a_version_that_did_not_record_its_training_is_deleted_if_made_after_the_candidates_review(
        store, admin, hr, interviewer, kit):
    """Versions from before schema v8 say nothing of whom they learnt from: they are taken to hold every
    answer reviewed before they were made (retraining reads them all), and the shipped default none."""
    default = ensure_active_model(store)
    with store.atomic() as conn:  # the shipped default, made long before anyone was reviewed
        conn.execute(update(model_versions).values(created_at=utcnow() - timedelta(days=30)))
    store.add_model_version(admin, "org-before", artifact("manager"), metrics={})
    with store.atomic() as conn:
        conn.execute(update(model_versions).where(model_versions.c.version == "org-before")
                     .values(created_at=utcnow() - timedelta(days=1)))
    jane = reviewed_candidate(store, admin, interviewer, kit, "Jane Roe", WORDS)
    store.add_model_version(admin, "org-after", artifact(WORDS), metrics={})
    result = store.erase_candidate(hr, jane.id, "candidate request")
    assert result.models_deleted == ("org-after",)
    assert set(stored(store)) == {default, "org-before"}


def test_a_candidate_erased_while_a_model_trained_on_them_keeps_that_model_out(store, admin, hr, interviewer, kit):
    jane = reviewed_candidate(store, admin, interviewer, kit, "Jane Roe", WORDS)
    store.erase_candidate(hr, jane.id, "candidate request")  # while the training ran
    with pytest.raises(ConflictError, match="erased while it trained"):
        store.add_model_version(admin, "org-late", artifact(WORDS), metrics={}, trained_on=[jane.id])
    assert "org-late" not in stored(store)


def test_reviewed_answers_name_the_candidate_who_gave_them(store, admin, interviewer, kit):
    jane = reviewed_candidate(store, admin, interviewer, kit, "Jane Roe", WORDS)
    other = make_user(store, "bea", "interviewer")
    sam = reviewed_candidate(store, admin, other, kit, "Sam Poe", "My manager told me to.")
    assert [(label, fields["why"], cid) for label, fields, cid in store.reviewed_examples()] == [
        ("intrinsic", WORDS, jane.id), ("intrinsic", "My manager told me to.", sam.id)]


def test_a_v7_database_upgrades_with_its_model_versions_whole(settings):
    """Schema v8 adds what each version was trained on; the versions already stored all stay."""
    engine = make_engine(settings)
    now = utcnow()
    with engine.connect() as conn:
        with conn.begin():
            for version in range(1, 8):
                migrations.STEPS[version](conn)
            conn.execute(text("INSERT INTO motive_meta VALUES ('schema_version', '7')"))
            conn.execute(text("INSERT INTO users (id, username, password_hash, role, active, failed_logins, "
                              "created_at) VALUES (1, 'old.admin', 'x', 'admin', TRUE, 0, :t)"), {"t": now})
            for vid, version, by, status in ((1, "corpus-abc", None, "previous"), (2, "org-1", 1, "active")):
                conn.execute(text("INSERT INTO model_versions (id, version, status, artifact, metrics, notes, "
                                  "created_by, created_at) VALUES (:i, :v, :s, :a, '{}', '', :b, :t)"),
                             {"i": vid, "v": version, "s": status, "a": f"bytes of {version}".encode(), "b": by,
                              "t": now})
    assert migrations.upgrade(engine) == (7, 8)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT version, status, artifact, trained_on FROM model_versions ORDER BY id")).all()
    engine.dispose()
    assert [(r.version, r.status, bytes(r.artifact), r.trained_on) for r in rows] == [
        ("corpus-abc", "previous", b"bytes of corpus-abc", "[]"),  # the shipped default: the corpus only
        ("org-1", "active", b"bytes of org-1", None),  # unknown: erasure treats it with caution
    ]
    assert json.loads(rows[0].trained_on) == []


@pytest.mark.sqlite_only("trains a model for minutes; the store's side runs on both databases above")
def test_a_retrained_version_records_its_candidates_and_erasure_deletes_it(store, admin, hr, kit, model):
    """The real thing: the retrained artifact holds a reviewed answer's words until that candidate is erased."""
    from analysis.retraining import is_held_out, train_candidate
    from data.fields import model_text
    from analysis.labelling import label_answer

    ensure_active_model(store)
    position = store.create_position(admin, "Agents")
    reasons = ["I felt sorry for him, he was lost.", "My manager told me to, so I did.",
               "Partly the tip, partly I liked her.", "I processed the refund and closed it."]
    # The vocabulary keeps words found in two answers or more, so the first candidate says it to two interviewers.
    distinctive = [f"{WORDS} ({n})" for n in range(100) if not is_held_out(model_text({"why": f"{WORDS} ({n})"}))][:2]
    ids = []
    for n in range(48):
        cand = store.add_candidate(admin, position.id, f"C{n}")
        for k, said in enumerate(distinctive if n == 0 else [f"{reasons[n % 4]} (case {n})"]):
            iv = make_user(store, f"iv{n}-{k}", "interviewer")
            iid = store.start_interview(iv, cand.id, kit)
            store.save_answer_field(iv, iid, "extra-mile", "why", said)
            label_answer(store, model, iv, iid, "extra-mile")
            store.review_label(iv, iid, "extra-mile", action="confirm")
        ids.append(cand.id)
    version = train_candidate(store, admin, model).version
    assert holds(stored(store)[version][1], "quixotically")  # the vocabulary holds the candidate's word
    with store.reading() as conn:
        trained_on = json.loads(conn.execute(select(model_versions.c.trained_on)
                                             .where(model_versions.c.version == version)).scalar())
    assert ids[0] in trained_on and set(trained_on) <= set(ids)
    result = store.erase_candidate(hr, ids[0], "candidate request")
    assert result.models_deleted == (version,)
    assert not any(holds(data, "quixotically") for _, data in stored(store).values())
