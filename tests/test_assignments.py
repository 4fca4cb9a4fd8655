"""Panels and assignments, and correcting mistakes: withdrawing an interview, reopening a submitted one."""

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import event, update

from analysis.compare import evidence_quotes
from analysis.scoring import score
from data.errors import AccessDenied, ConflictError, NotFoundError, ValidationError
from data.records import HISTORY_REASONS, LIMITS
from data.schema import assignments as assignments_table
from data.store import Store, utcnow
from tests.builders import submitted_interview
from tests.conftest import make_user


@pytest.fixture
def panel(store, admin, recruiter, interviewer):
    """A position with one candidate and two interviewers (ivan, bea)."""
    pos = store.create_position(recruiter, "Support")
    cand = store.add_candidate(recruiter, pos.id, "Ana Díaz")
    bea = make_user(store, "bea", "interviewer")
    return pos, cand, interviewer, bea


def strict(store: Store) -> Store:
    """The same database, for a team that starts only assigned interviews."""
    return Store(replace(store.settings, unassigned_interviews=False), engine=store.engine, upgrade=False)


# -- assigning ---------------------------------------------------------------------------------------

def test_a_recruiter_assigns_a_panel_and_assigning_again_changes_nothing(store, admin, recruiter, panel):
    pos, cand, ivan, bea = panel
    assert store.assign_interviewers(recruiter, cand.id, [ivan.id, bea.id], kit_id="customer-service") == 2
    assert store.assign_interviewers(recruiter, cand.id, [ivan.id, ivan.id]) == 0
    rows = store.assignments(recruiter, position_id=pos.id)
    assert [(a.interviewer_name, a.kit_id, a.state, a.overdue) for a in rows] == [
        ("ivan", "customer-service", "not started", False), ("bea", "customer-service", "not started", False)]
    assert all(a.candidate_name == "Ana Díaz" and a.position_name == "Support" for a in rows)
    audited, _ = store.audit_entries(admin, action="interview.assigned")
    assert sorted(e.detail["interviewer_id"] for e in audited) == sorted([ivan.id, bea.id])


@pytest.mark.parametrize("who", ["inactive", "recruiter", "unknown"])
def test_only_active_accounts_that_conduct_interviews_can_be_assigned(store, admin, recruiter, panel, who):
    _, cand, ivan, bea = panel
    if who == "inactive":
        store.set_active(admin, bea.id, False)
        target, says = bea.id, "deactivated"
    elif who == "recruiter":
        target, says = recruiter.id, "cannot conduct interviews"
    else:
        target, says = 99_999, "No account"
    with pytest.raises((ValidationError, NotFoundError), match=says):
        store.assign_interviewers(recruiter, cand.id, [ivan.id, target])
    assert store.assignments(recruiter) == []  # all or nothing: ivan was not assigned either


def test_a_closed_position_and_an_unknown_kit_refuse_assignments(store, recruiter, panel):
    pos, cand, ivan, _ = panel
    with pytest.raises(ValidationError, match="no interview kit 'nope'"):
        store.assign_interviewers(recruiter, cand.id, [ivan.id], kit_id="nope")
    store.set_position_open(recruiter, pos.id, False)
    with pytest.raises(ConflictError, match="closed"):
        store.assign_interviewers(recruiter, cand.id, [ivan.id])
    assert store.assignments(recruiter) == []


def test_interviewers_cannot_assign_and_read_only_their_own_queue(store, recruiter, panel):
    _, cand, ivan, bea = panel
    with pytest.raises(AccessDenied):
        store.assign_interviewers(ivan, cand.id, [ivan.id])
    store.assign_interviewers(recruiter, cand.id, [ivan.id, bea.id])
    assert [a.interviewer_name for a in store.assignments(ivan)] == ["ivan"]
    with pytest.raises(AccessDenied):
        store.assignments(ivan, interviewer_id=bea.id)


def test_the_queue_shows_each_interviews_state_and_flags_the_overdue(store, recruiter, kit, panel):
    pos, cand, ivan, bea = panel
    other = store.add_candidate(recruiter, pos.id, "Ben Ode")
    third = store.add_candidate(recruiter, pos.id, "Cy Lam")
    for c in (cand, other, third):
        store.assign_interviewers(recruiter, c.id, [ivan.id])
    store.start_interview(ivan, other.id, kit)
    submitted_interview(store, ivan, third.id, kit, rating=3)
    with store.atomic() as conn:  # assigned eight days ago, one day past the default seven
        conn.execute(update(assignments_table).values(assigned_at=utcnow() - timedelta(days=8)))
    states = {a.candidate_name: (a.state, a.overdue) for a in store.assignments(ivan)}
    assert states == {"Ana Díaz": ("not started", True), "Ben Ode": ("in progress", True),
                      "Cy Lam": ("submitted", False)}
    patient = Store(replace(store.settings, assignment_due_days=9), engine=store.engine, upgrade=False)
    assert not any(a.overdue for a in patient.assignments(ivan))


def test_unassigning_is_refused_once_the_interview_was_submitted(store, admin, recruiter, kit, panel):
    _, cand, ivan, bea = panel
    store.assign_interviewers(recruiter, cand.id, [ivan.id, bea.id])
    submitted_interview(store, ivan, cand.id, kit, rating=4)
    with pytest.raises(ConflictError, match="already submitted"):
        store.unassign(recruiter, cand.id, ivan.id)
    store.unassign(recruiter, cand.id, bea.id)
    assert [a.interviewer_name for a in store.assignments(recruiter)] == ["ivan"]
    with pytest.raises(NotFoundError):
        store.unassign(recruiter, cand.id, bea.id)
    assert store.audit_entries(admin, action="interview.unassigned")[0][0].detail == {"interviewer_id": bea.id}


def test_the_queue_is_read_in_one_query_however_many_assignments(store, recruiter, panel):
    pos, _, ivan, bea = panel
    for i in range(12):
        c = store.add_candidate(recruiter, pos.id, f"Person {i}")
        store.assign_interviewers(recruiter, c.id, [ivan.id, bea.id])
    seen = []

    def record(conn, cursor, statement, *rest):
        seen.append(statement)

    event.listen(store.engine, "before_cursor_execute", record)
    try:
        assert len(store.assignments(recruiter, position_id=pos.id)) == 24
    finally:
        event.remove(store.engine, "before_cursor_execute", record)
    assert len([s for s in seen if s.lstrip().upper().startswith("SELECT")]) == 1


# -- starting -----------------------------------------------------------------------------------------

def test_a_closed_position_takes_no_new_interviews_but_open_ones_carry_on(store, recruiter, kit, panel):
    pos, cand, ivan, bea = panel
    iid = store.start_interview(ivan, cand.id, kit)
    store.set_position_open(recruiter, pos.id, False)
    assert store.start_interview(ivan, cand.id, kit) == iid
    with pytest.raises(ConflictError, match="'Support' is closed"):
        store.start_interview(bea, cand.id, kit)


def test_a_team_that_starts_only_assigned_interviews_refuses_the_unassigned(store, recruiter, kit, panel):
    _, cand, ivan, _ = panel
    team = strict(store)
    with pytest.raises(AccessDenied, match="Ask a recruiter to assign you"):
        team.start_interview(ivan, cand.id, kit)
    team.assign_interviewers(recruiter, cand.id, [ivan.id])
    assert team.get_interview(ivan, team.start_interview(ivan, cand.id, kit)).status == "in_progress"
    assert store.settings.unassigned_interviews  # the default lets small teams start without assigning


def test_an_assigned_kit_is_the_one_the_interview_starts_with(store, recruiter, tmp_path, monkeypatch, panel):
    from tests.builders import mini_kit
    from rubric import load_kit_text

    folder = tmp_path / "kits"
    folder.mkdir()
    (folder / "mini.toml").write_text(mini_kit())
    kits_store = Store(replace(store.settings, kits_dir=folder), engine=store.engine, upgrade=False)
    _, cand, ivan, _ = panel
    kits_store.assign_interviewers(recruiter, cand.id, [ivan.id], kit_id="mini")
    default = kits_store.known_kits()["customer-service"]
    iid = kits_store.start_interview(ivan, cand.id, default)
    assert kits_store.get_interview(ivan, iid).kit_label == "Mini kit (v2.1)"
    assert load_kit_text(mini_kit()).questions[0].id in kits_store.sheet(ivan, iid).answers


# -- withdrawing --------------------------------------------------------------------------------------

def test_an_interviewer_withdraws_an_open_interview_with_a_reason(store, admin, kit, panel):
    _, cand, ivan, bea = panel
    iid = store.start_interview(ivan, cand.id, kit)
    q = kit.questions[0].id
    store.save_answer_field(ivan, iid, q, "story", "Wrong person, sorry.")
    with pytest.raises(ValidationError, match="Say why"):
        store.withdraw_interview(ivan, iid, "   ")
    with pytest.raises(ValidationError, match="limit is 500"):
        store.withdraw_interview(ivan, iid, "x" * (LIMITS["interview_reason"] + 1))
    with pytest.raises(NotFoundError):  # bea may not know this interview exists
        store.withdraw_interview(bea, iid, "Not mine")
    store.withdraw_interview(ivan, iid, "Opened Ana instead of Anna")
    iv = store.get_interview(ivan, iid)
    assert iv.withdrawn and store.sheet(ivan, iid).answers[q].story == "Wrong person, sorry."
    assert [(e.kind, e.reason, e.actor) for e in store.interview_events(ivan, iid)] == [
        ("withdrawn", "Opened Ana instead of Anna", "ivan")]
    entry = store.audit_entries(admin, action="interview.withdrawn")[0][0]
    assert "Anna" not in str(entry.detail)  # the reason may name people: it stays out of the log
    with pytest.raises(ConflictError, match="withdrawn"):
        store.save_rating(ivan, iid, q, 3)
    with pytest.raises(ConflictError):
        store.withdraw_interview(ivan, iid, "again")


def test_starting_again_after_a_withdrawal_resumes_the_same_interview(store, kit, panel):
    _, cand, ivan, _ = panel
    iid = store.start_interview(ivan, cand.id, kit)
    store.save_answer_field(ivan, iid, kit.questions[0].id, "story", "Kept text.")
    store.withdraw_interview(ivan, iid, "Too early")
    assert store.start_interview(ivan, cand.id, kit) == iid
    assert store.get_interview(ivan, iid).status == "in_progress"
    assert store.sheet(ivan, iid).answers[kit.questions[0].id].story == "Kept text."
    assert [e.kind for e in store.interview_events(ivan, iid)] == ["withdrawn", "resumed"]


def test_a_withdrawn_interview_counts_nowhere(store, recruiter, hr, kit, model, panel):
    from analysis.labelling import label_answer

    _, cand, ivan, bea = panel
    kept = submitted_interview(store, ivan, cand.id, kit, rating=5, texts={"why": "I care about people."})
    gone = store.start_interview(bea, cand.id, kit)
    for q in kit.questions:
        store.save_rating(bea, gone, q.id, 1)
        store.save_answer_field(bea, gone, q.id, "why", "WITHDRAWN TEXT")
    label_answer(store, model, bea, gone, kit.questions[0].id)
    assert "bea" in store.motivation_profile(hr, cand.id)["by_interviewer"]
    store.withdraw_interview(bea, gone, "Interviewed the wrong candidate")
    assert "bea" not in store.motivation_profile(hr, cand.id)["by_interviewer"]
    data = store.panel_data(hr, position_id=cand.position_id)
    assert [row[0] for row in data.interviews] == [kept]
    assert {r[0] for r in data.ratings} == {kept}
    assert score(data, store.kits_by_version({row[5] for row in data.interviews}))["rating"].tolist() == [5.0]
    assert {r.interview_id for r in store.iter_report_rows(hr, position_id=cand.position_id)} == {kept}
    assert [s.interview.id for s in store.panel_for(recruiter, cand.id)] == [kept]
    assert "WITHDRAWN TEXT" not in evidence_quotes(store, recruiter, {cand.id: cand.name}, kit).to_string()
    assert [iv.id for iv in store.list_interviews(hr, mine=False, status="submitted")] == [kept]


# -- reopening ----------------------------------------------------------------------------------------

def test_hr_reopens_a_submitted_interview_and_every_change_is_a_revision(store, admin, hr, recruiter, kit, panel):
    _, cand, ivan, _ = panel
    iid = submitted_interview(store, ivan, cand.id, kit, rating=2, texts={"why": "First words."},
                              recommendation="no")
    with pytest.raises(AccessDenied):
        store.reopen_interview(recruiter, iid, "Typo")
    with pytest.raises(ValidationError, match="Say why"):
        store.reopen_interview(hr, iid, "")
    store.reopen_interview(hr, iid, "Ratings were entered on the wrong questions")
    iv = store.get_interview(ivan, iid)
    assert iv.status == "in_progress" and iv.reopened_at is not None
    assert store.panel_data(hr).interviews == ()  # while it is being corrected it counts nowhere
    q = kit.questions[0].id
    store.save_answer_field(ivan, iid, q, "why", "Corrected words.")
    store.save_rating(ivan, iid, q, 4)
    store.save_recommendation(ivan, iid, "yes")
    kept = [(v.question_id, v.field, v.text, v.reason) for v in store.field_history(ivan, iid)]
    assert kept == [(q, "why", "First words.", "revised")] and "revised" in HISTORY_REASONS
    rating = store.audit_entries(admin, action="rating.edited")[0][0]
    assert (rating.detail["before"], rating.detail["score"], rating.detail["revised"]) == (2, 4, True)
    rec = store.audit_entries(admin, action="recommendation.edited")[0][0]
    assert (rec.detail["before"], rec.detail["value"]) == ("no", "yes")
    store.submit_interview(ivan, iid, accept_gaps=True)
    iv = store.get_interview(ivan, iid)
    assert iv.submitted and iv.reopened_at is None
    assert [(e.kind, e.actor) for e in store.interview_events(hr, iid)] == [("reopened", "harriet"),
                                                                          ("resubmitted", "ivan")]
    assert store.audit_entries(admin, action="interview.resubmitted")[0]
    with pytest.raises(ConflictError, match="submitted"):
        store.save_answer_field(ivan, iid, q, "why", "Third words.")


def test_only_a_submitted_interview_can_be_reopened(store, hr, kit, panel):
    _, cand, ivan, _ = panel
    iid = store.start_interview(ivan, cand.id, kit)
    with pytest.raises(ConflictError, match="in progress"):
        store.reopen_interview(hr, iid, "Nothing to correct")
    with pytest.raises(NotFoundError):
        store.reopen_interview(hr, 99_999, "Gone")


def test_an_ordinary_save_keeps_no_revision(store, kit, panel):
    _, cand, ivan, _ = panel
    iid = store.start_interview(ivan, cand.id, kit)
    store.save_answer_field(ivan, iid, kit.questions[0].id, "why", "One.")
    store.save_answer_field(ivan, iid, kit.questions[0].id, "why", "Two.")
    assert store.field_history(ivan, iid) == []
