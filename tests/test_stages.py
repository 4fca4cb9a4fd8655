"""Stages and decisions: the stage list, moving candidates with reasons, history, positions and duplicates."""

from dataclasses import replace
from datetime import datetime

import pytest
from sqlalchemy import text

from data import migrations
from data.errors import AccessDenied, ConflictError, NotFoundError, PossibleDuplicate, ValidationError
from data.settings import Settings, SettingsError
from data.stages import DEFAULT_STAGES, OTHER, Outcome, Stages, StageError
from data.store import Store, make_engine


# -- the stage list ------------------------------------------------------------------------------

def test_the_default_stages_run_from_new_to_a_decision():
    assert DEFAULT_STAGES.keys == ("new", "interviewing", "offer", "hired", "rejected", "withdrawn")
    assert DEFAULT_STAGES.first.key == "new"
    assert DEFAULT_STAGES.get("offer").outcome is Outcome.FORWARD
    assert DEFAULT_STAGES.with_outcome(Outcome.HIRED) == ("hired",)


def test_a_team_sets_its_own_stages_and_outcomes():
    stages = Stages.parse("Applied, Phone screen, Panel, Offer made:forward, Started:hired, Not taken:rejected, "
                          "Pulled out:withdrawn")
    assert stages.keys[1] == "phone_screen"
    assert stages.name("offer_made") == "Offer made"
    assert stages.with_outcome(Outcome.HIRED) == ("started",)
    assert Settings.from_env({"MOTIVE_STAGES": "A, B:hired, C:rejected, D:withdrawn"}).stages.keys == ("a", "b", "c", "d")


@pytest.mark.parametrize("spec, says", [
    ("Hired:hired, Rejected:rejected, Gone:withdrawn", "must be open"),
    ("New, Hired:hired, Rejected:rejected", "none is withdrawn"),
    ("New, Hired:hired, Rejected:rejected, Gone:withdrawn, new", "repeated: new"),
    ("New, Hired:won, Rejected:rejected, Gone:withdrawn", "unknown outcome 'won'"),
    ("New", "between 2 and"),
    ("New, ---, Hired:hired, Rejected:rejected, Gone:withdrawn", "a letter or digit"),
])
def test_a_stage_list_that_cannot_work_is_refused_with_what_to_change(spec, says):
    with pytest.raises(StageError, match=says):
        Stages.parse(spec)
    with pytest.raises(SettingsError, match="MOTIVE_STAGES"):
        Settings.from_env({"MOTIVE_STAGES": spec})


def test_a_stage_no_longer_configured_still_reads_as_an_open_stage():
    old = DEFAULT_STAGES.get("phone_screen")
    assert (old.name, old.outcome) == ("phone_screen", Outcome.OPEN)


# -- moving candidates -----------------------------------------------------------------------------

def test_a_new_candidate_starts_in_the_first_stage(store, recruiter):
    pos = store.create_position(recruiter, "Support")
    assert store.add_candidate(recruiter, pos.id, "Ana Díaz").status == "new"


def test_a_recruiter_moves_a_candidate_with_a_reason_and_the_move_is_kept(store, recruiter, admin):
    pos = store.create_position(recruiter, "Support")
    c = store.add_candidate(recruiter, pos.id, "Ana Díaz")
    assert store.move_candidates(recruiter, [c.id], "offer", "Strong interviews", "Best of the panel.") == 1
    assert store.move_candidates(recruiter, [c.id], "hired", "Accepted the offer") == 1
    now = store.get_candidate(recruiter, c.id)
    assert now.status == "hired" and now.status_changed_at is not None
    moves = store.stage_history(recruiter, c.id)
    assert [(m.from_stage, m.to_stage, m.reason, m.note, m.mover) for m in moves] == [
        ("new", "offer", "Strong interviews", "Best of the panel.", "rory"),
        ("offer", "hired", "Accepted the offer", "", "rory")]
    audited = store.audit_entries(admin, action="candidate.stage_changed")[0]
    assert {(e.detail["before"], e.detail["after"], e.detail["reason"]) for e in audited} == {
        ("new", "offer", "Strong interviews"), ("offer", "hired", "Accepted the offer")}
    assert all("Best of the panel." not in str(e.detail) for e in audited)  # the note is not in the log


def test_many_candidates_move_at_once_and_those_already_there_are_left(store, recruiter):
    pos = store.create_position(recruiter, "Support")
    ids = [store.add_candidate(recruiter, pos.id, f"Person {i}").id for i in range(4)]
    store.move_candidates(recruiter, ids[:1], "rejected", "Position filled")
    assert store.move_candidates(recruiter, ids, "rejected", "Position filled") == 3
    assert {store.get_candidate(recruiter, i).status for i in ids} == {"rejected"}
    assert len(store.stage_history(recruiter, ids[0])) == 1


def test_a_move_needs_a_known_stage_a_listed_reason_and_a_note_for_other(store, recruiter):
    pos = store.create_position(recruiter, "Support")
    c = store.add_candidate(recruiter, pos.id, "Ana Díaz")
    with pytest.raises(ValidationError, match="Unknown stage"):
        store.move_candidates(recruiter, [c.id], "promoted", "Strong interviews")
    with pytest.raises(ValidationError, match="Choose a reason"):
        store.move_candidates(recruiter, [c.id], "hired", "Strong interviews")  # not a reason for hiring
    with pytest.raises(ValidationError, match="other reason"):
        store.move_candidates(recruiter, [c.id], "rejected", OTHER, "   ")
    with pytest.raises(ValidationError, match="at least one"):
        store.move_candidates(recruiter, [], "rejected", "Position filled")
    with pytest.raises(ValidationError, match="2,000"):
        store.move_candidates(recruiter, [c.id], "rejected", OTHER, "x" * 2001)
    assert store.stage_history(recruiter, c.id) == []


def test_a_bulk_move_with_one_unknown_candidate_moves_nobody(store, recruiter):
    pos = store.create_position(recruiter, "Support")
    c = store.add_candidate(recruiter, pos.id, "Ana Díaz")
    with pytest.raises(NotFoundError, match="nobody was moved"):
        store.move_candidates(recruiter, [c.id, 9999], "rejected", "Position filled")
    assert store.get_candidate(recruiter, c.id).status == "new"


def test_interviewers_cannot_move_candidates_or_read_their_stage_history(store, recruiter, interviewer):
    pos = store.create_position(recruiter, "Support")
    c = store.add_candidate(recruiter, pos.id, "Ana Díaz")
    with pytest.raises(AccessDenied):
        store.move_candidates(interviewer, [c.id], "hired", "Accepted the offer")
    with pytest.raises(AccessDenied):
        store.stage_history(interviewer, c.id)


def test_an_anonymised_candidate_no_longer_moves(store, recruiter, hr):
    pos = store.create_position(recruiter, "Support")
    c = store.add_candidate(recruiter, pos.id, "Ana Díaz")
    with store.atomic() as conn:
        conn.execute(text("UPDATE candidates SET anonymised_at = created_at WHERE id = :i"), {"i": c.id})
    with pytest.raises(ConflictError, match="anonymised"):
        store.move_candidates(hr, [c.id], "rejected", "Position filled")
    with pytest.raises(ConflictError, match="anonymised"):
        store.update_candidate(hr, c.id, "New Name", None)


def test_erasure_removes_the_stage_history_with_its_notes(store, recruiter, hr):
    pos = store.create_position(recruiter, "Support")
    c = store.add_candidate(recruiter, pos.id, "Ana Díaz")
    store.move_candidates(recruiter, [c.id], "rejected", OTHER, "Ana said she moves abroad in May.")
    store.erase_candidate(hr, c.id, reason="candidate request")
    with store.reading() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM stage_history")).scalar() == 0


def test_retention_keeps_whoever_is_in_a_teams_own_hired_stage(settings, tmp_path):
    store = Store(replace(settings, stages=Stages.parse("Applied, Started:hired, Not taken:rejected, Left:withdrawn")))
    admin = store.bootstrap_admin("root", "correct horse battery")
    pos = store.create_position(admin, "Support")
    kept = store.add_candidate(admin, pos.id, "Kept Person")
    gone = store.add_candidate(admin, pos.id, "Gone Person")
    store.move_candidates(admin, [kept.id], "started", "Accepted the offer")
    store.move_candidates(admin, [gone.id], "not_taken", "Position filled")
    with store.atomic() as conn:
        conn.execute(text("UPDATE candidates SET created_at = '2020-01-01', status_changed_at = '2020-01-01'"))
    store.set_retention(admin, pos.id, 30)
    assert store.apply_retention(admin).anonymised == {pos.id: (gone.id,)}
    store.dispose()


# -- positions and candidates ---------------------------------------------------------------------

def test_a_position_is_renamed_closed_and_reopened_and_each_is_audited(store, recruiter, admin):
    pos = store.create_position(recruiter, "Support")
    store.create_position(recruiter, "Sales")
    with pytest.raises(ValidationError, match="already exists"):
        store.update_position(recruiter, pos.id, "sales", "")
    assert store.update_position(recruiter, pos.id, "Customer support", "Days").name == "Customer support"
    assert store.set_position_open(recruiter, pos.id, False).closed
    assert [p.name for p in store.list_positions(open_only=True)] == ["Sales"]
    assert not store.set_position_open(recruiter, pos.id, True).closed
    actions = [e.action for e in store.audit_entries(admin, action="position.")[0]]
    assert {"position.updated", "position.closed", "position.reopened"} <= set(actions)


def test_interviewers_cannot_edit_or_close_positions(store, recruiter, interviewer):
    pos = store.create_position(recruiter, "Support")
    with pytest.raises(AccessDenied):
        store.set_position_open(interviewer, pos.id, False)
    with pytest.raises(AccessDenied):
        store.update_position(interviewer, pos.id, "X", "")


def test_adding_a_name_already_in_the_position_asks_first(store, recruiter):
    pos = store.create_position(recruiter, "Support")
    first = store.add_candidate(recruiter, pos.id, "Ana  Díaz")
    with pytest.raises(PossibleDuplicate) as asked:
        store.add_candidate(recruiter, pos.id, "ANA  DÍAZ")
    assert asked.value.existing == (first.id,)
    other = store.create_position(recruiter, "Sales")
    store.add_candidate(recruiter, other.id, "Ana Díaz")  # another position: no question
    second = store.add_candidate(recruiter, pos.id, "Ana Díaz", same_name_ok=True)
    assert second.id != first.id


def test_a_candidates_name_and_email_are_corrected(store, recruiter, admin):
    pos = store.create_position(recruiter, "Support")
    c = store.add_candidate(recruiter, pos.id, "Ana Dias", "ana@example.com")
    store.add_candidate(recruiter, pos.id, "Bo Lee", "bo@example.com")
    with pytest.raises(ValidationError, match="bo@example.com"):
        store.update_candidate(recruiter, c.id, "Ana Díaz", "BO@example.com")
    fixed = store.update_candidate(recruiter, c.id, "Ana Díaz", "ana.diaz@example.com")
    assert (fixed.name, fixed.email) == ("Ana Díaz", "ana.diaz@example.com")
    entry = store.audit_entries(admin, action="candidate.updated")[0][0]
    assert entry.detail == {"name_changed": True, "email_changed": True}


# -- the upgrade ------------------------------------------------------------------------------------

def test_the_upgrade_turns_old_statuses_into_stages(settings):
    engine = make_engine(settings)
    now = datetime(2026, 3, 1, 9, 0)
    with engine.connect() as conn:
        with conn.begin():
            for v in range(1, 6):
                migrations.STEPS[v](conn)
            conn.execute(text("INSERT INTO motive_meta VALUES ('schema_version', '5')"))
            conn.execute(text("INSERT INTO users (id, username, role, active, failed_logins, created_at) "
                              "VALUES (1, 'a', 'admin', TRUE, 0, :t)"), {"t": now})
            conn.execute(text("INSERT INTO positions (id, name, description, created_at) VALUES (1, 'P', '', :t)"),
                         {"t": now})
            for cid, status in ((1, "active"), (2, "active"), (3, "hired"), (4, "rejected")):
                conn.execute(text("INSERT INTO candidates (id, position_id, name, status, created_at) "
                                  "VALUES (:i, 1, :n, :s, :t)"), {"i": cid, "n": f"C{cid}", "s": status, "t": now})
            conn.execute(text("INSERT INTO kit_versions VALUES (1, 'k', '1', 'sha', 'K', 'src', :t)"), {"t": now})
            conn.execute(text("INSERT INTO interviews (id, candidate_id, interviewer_id, kit_version_id, status, "
                              "started_at, updated_at) VALUES (1, 2, 1, 1, 'in_progress', :t, :t)"), {"t": now})
    migrations.upgrade(engine, backup=False)
    with engine.connect() as conn:
        got = dict(conn.execute(text("SELECT id, status FROM candidates")).all())
    assert got == {1: "new", 2: "interviewing", 3: "hired", 4: "rejected"}
    engine.dispose()


def test_decisions_read_the_stage_history_so_a_declined_offer_still_counts_as_selected(store, recruiter):
    pos = store.create_position(recruiter, "Support")
    other = store.create_position(recruiter, "Sales")
    ids = {name: store.add_candidate(recruiter, pos.id, name).id for name in ("offered", "hired", "turned", "open", "left")}
    store.move_candidates(recruiter, [ids["offered"], ids["hired"]], "offer", "Strong interviews")
    store.move_candidates(recruiter, [ids["offered"]], "withdrawn", "Declined the offer")
    store.move_candidates(recruiter, [ids["hired"]], "hired", "Accepted the offer")
    store.move_candidates(recruiter, [ids["turned"]], "rejected", "Interviews below the bar")
    store.move_candidates(recruiter, [ids["open"]], "interviewing", "Interviews scheduled")
    store.move_candidates(recruiter, [ids["left"]], "withdrawn", "Accepted another offer")
    elsewhere = store.add_candidate(recruiter, other.id, "elsewhere").id
    store.move_candidates(recruiter, [elsewhere], "hired", "Accepted the offer")
    got = {cid: selected for cid, _, selected in store.decisions(recruiter, position_id=pos.id)}
    assert got == {ids["offered"]: True, ids["hired"]: True, ids["turned"]: False, ids["open"]: None,
                   ids["left"]: None}
    assert len(store.decisions(recruiter)) == 6
