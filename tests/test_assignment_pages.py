"""AppTest for the assignment queue on Home, the Assignments page, and the withdraw and reopen controls."""

from datetime import timedelta

import pytest
from sqlalchemy import update

from data.schema import assignments as assignments_table
from data.store import utcnow
from tests.builders import submitted_interview

from tests.conftest import app_as, make_user
from ui.state import Keys

PAGE = "ui/pages/assignments.py"


@pytest.fixture
def position(store, recruiter):
    pos = store.create_position(recruiter, "Support")
    return pos, [store.add_candidate(recruiter, pos.id, name) for name in ("Ana Díaz", "Ben Ode")]


def links(at) -> list:
    return [e for e in at.get("page_link")]


def test_an_interviewer_sees_their_assigned_queue_with_states_and_overdue(store, recruiter, interviewer, kit,
                                                                          position):
    _, (ana, ben) = position
    store.assign_interviewers(recruiter, ana.id, [interviewer.id])
    store.assign_interviewers(recruiter, ben.id, [interviewer.id])
    iid = store.start_interview(interviewer, ben.id, kit)
    with store.atomic() as conn:
        conn.execute(update(assignments_table).where(assignments_table.c.candidate_id == ana.id)
                     .values(assigned_at=utcnow() - timedelta(days=10)))
    at = app_as(store, interviewer)
    assert not at.exception
    assert "Assigned to you" in [s.value for s in at.subheader]
    assert any("Ana Díaz" in m.value for m in at.markdown) and any("Ben Ode" in m.value for m in at.markdown)
    captions = [c.value for c in at.caption]
    assert any("Not started" in c and "Overdue" in c for c in captions)
    assert any("In progress" in c and "Overdue" not in c for c in captions)
    assert any(f"interview={iid}" in str(link.proto) and link.proto.label == "Continue" for link in links(at))
    assert "Your interviews in progress" not in [s.value for s in at.subheader]  # not listed twice


def test_starting_an_assigned_interview_from_home_uses_its_kit(store, recruiter, interviewer, position):
    _, (ana, _) = position
    store.assign_interviewers(recruiter, ana.id, [interviewer.id], kit_id="customer-service")
    at = app_as(store, interviewer)
    assignment = store.assignments(interviewer)[0]
    at.button(key=Keys.start_assigned(assignment.id)).click().run()
    assert not at.exception
    iv = store.list_interviews(interviewer)[0]
    assert iv.candidate_id == ana.id and iv.kit_label.startswith("Customer")
    assert at.title[0].value.startswith("Interview")


def test_a_recruiter_assigns_two_interviewers_and_sees_the_panel(store, recruiter, interviewer, position):
    pos, (ana, ben) = position
    bea = make_user(store, "bea", "interviewer")
    at = app_as(store, recruiter, PAGE)
    assert not at.exception
    at.selectbox(key=Keys.ASG_POSITION).select(pos.id).run()
    at.selectbox(key=Keys.ASG_CANDIDATE).select(ana.id)
    at.multiselect(key=Keys.ASG_INTERVIEWERS).select(interviewer.id).select(bea.id)
    at.selectbox(key=Keys.ASG_KIT).select("customer-service")
    at.button(key=Keys.ASG_SUBMIT).click().run()
    assert not at.exception
    assert sorted((a.candidate_name, a.interviewer_name, a.kit_id) for a in store.assignments(recruiter)) == [
        ("Ana Díaz", "bea", "customer-service"), ("Ana Díaz", "ivan", "customer-service")]
    assert any("Assigned 2 interviewers" in s.value for s in at.success)
    table = at.dataframe[0].value
    assert set(table["Interviewer"]) == {"bea", "ivan", "(nobody yet)"}
    assert set(table["State"]) == {"not started", ""}


def test_a_recruiter_unassigns_and_cannot_reopen(store, recruiter, interviewer, kit, position):
    pos, (ana, ben) = position
    store.assign_interviewers(recruiter, ana.id, [interviewer.id])
    submitted_interview(store, interviewer, ben.id, kit, rating=3)
    at = app_as(store, recruiter, PAGE)
    at.button(key=Keys.ASG_UNASSIGN).click().run()
    assert not at.exception and store.assignments(recruiter) == []
    assert not [b for b in at.button if b.key == Keys.ASG_REOPEN]  # reopening is HR's and administrators'


def test_hr_reopens_a_submitted_interview_with_a_reason_after_confirming(store, hr, interviewer, kit, position):
    pos, (ana, _) = position
    iid = submitted_interview(store, interviewer, ana.id, kit, rating=3)
    at = app_as(store, hr, PAGE)
    assert at.button(key=Keys.ASG_REOPEN).disabled  # until confirmed
    at.checkbox(key=Keys.ASG_REOPEN_CONFIRM).check().run()
    at.button(key=Keys.ASG_REOPEN).click().run()
    assert not at.exception
    assert any("Say why" in e.value for e in at.error) and store.get_interview(hr, iid).submitted
    at.text_area(key=Keys.ASG_REOPEN_REASON).input("Rated the wrong questions")
    at.checkbox(key=Keys.ASG_REOPEN_CONFIRM).check()
    at.button(key=Keys.ASG_REOPEN).click().run()
    assert not at.exception
    assert store.get_interview(hr, iid).reopened_at is not None
    assert [(e.kind, e.reason) for e in store.interview_events(hr, iid)] == [("reopened", "Rated the wrong questions")]


def test_a_closed_position_shows_its_panel_but_takes_no_assignments(store, recruiter, position):
    pos, _ = position
    store.set_position_open(recruiter, pos.id, False)
    at = app_as(store, recruiter, PAGE)
    assert not at.exception
    assert not [b for b in at.get("form_submit_button") if b.key == Keys.ASG_SUBMIT]
    assert any("closed" in i.value for i in at.info)


@pytest.mark.parametrize("role, allowed", [("interviewer", False), ("recruiter", True), ("hr", True)])
def test_the_assignments_page_is_for_those_who_assign(store, admin, role, allowed):
    user = make_user(store, f"u-{role}", role)
    at = app_as(store, user, PAGE)  # by its address: the page decides, whatever the menu shows
    assert not at.exception
    assert any("does not give access" in e.value for e in at.error) is (not allowed)


def test_an_interviewer_withdraws_an_interview_from_its_page_after_confirming(store, interviewer, candidate, kit):
    iid = store.start_interview(interviewer, candidate.id, kit)
    at = app_as(store, interviewer, "ui/pages/interview.py", {"interview": str(iid)})
    assert not at.exception and at.button(key=Keys.IV_WITHDRAW).disabled
    at.text_area(key=Keys.IV_WITHDRAW_REASON).input("Opened the wrong candidate")
    at.checkbox(key=Keys.IV_WITHDRAW_CONFIRM).check().run()
    at.button(key=Keys.IV_WITHDRAW).click().run()
    assert not at.exception
    assert store.get_interview(interviewer, iid).withdrawn
    assert any("Withdrew your interview" in s.value for s in at.success)  # back on Home
    at = app_as(store, interviewer, "ui/pages/interview.py", {"interview": str(iid)})
    assert any(i.value.startswith("Withdrawn") for i in at.info)
    assert not [b for b in at.button if b.key == Keys.IV_WITHDRAW]


def test_a_reopened_interview_says_so_and_can_be_edited(store, hr, interviewer, candidate, kit):
    iid = submitted_interview(store, interviewer, candidate.id, kit, rating=2)
    store.reopen_interview(hr, iid, "Typo in the notes")
    at = app_as(store, interviewer, "ui/pages/interview.py", {"interview": str(iid)})
    assert not at.exception
    assert any("Reopened for a correction" in w.value for w in at.warning)
    rkey = Keys.rating(iid, kit.questions[0].id)
    at.radio(key=rkey).set_value(4).run()
    assert not at.exception and store.sheet(interviewer, iid).ratings[kit.questions[0].id] == 4
