"""Each role's home: what needs them now, what changed since their last visit, and the way to it."""

from datetime import timedelta

import pytest
from sqlalchemy import update

from data.errors import AccessDenied
from data.schema import candidates as candidates_table
from data.store import utcnow
from tests.builders import submitted_interview
from tests.conftest import PASSWORD, app_as, make_user
from ui.render import EMPTY_CELL

PAGE = "ui/pages/home.py"


def _links(at) -> set[str]:
    return {p.proto.page for p in at.get("page_link")}


def _subheaders(at) -> list[str]:
    return [s.value for s in at.subheader]


@pytest.fixture
def hiring(store, admin):
    """Two open positions and a closed one: four candidates, one moved on, one assigned an interviewer."""
    desk = store.create_position(admin, "Front desk")
    night = store.create_position(admin, "Night concierge")
    shut = store.create_position(admin, "Closed role")
    people = [store.add_candidate(admin, desk.id, name) for name in ("Ann Avery", "Bo Bell", "Cy Cole")]
    store.add_candidate(admin, night.id, "Di Dane")
    store.add_candidate(admin, shut.id, "Ed Eames")
    store.set_position_open(admin, shut.id, False)
    store.move_candidates(admin, [people[0].id], "interviewing", "Interviews scheduled")
    ivan = make_user(store, "ivan", "interviewer")
    store.assign_interviewers(admin, people[0].id, [ivan.id])
    return {"desk": desk, "night": night, "people": people, "ivan": ivan}


def test_a_recruiters_home_shows_open_positions_by_stage_and_who_waits_for_an_interviewer(store, recruiter, hiring):
    at = app_as(store, recruiter, PAGE)
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table["Position"]) == ["Front desk", "Night concierge"]  # the closed position is left out
    desk = table.iloc[0]
    assert (desk["New"], desk["Interviewing"], desk["Hired"]) == (2, 1, 0)
    assert (desk["No interviewer yet"], desk["Interviews to submit"]) == (2, 1)
    assert table.iloc[1]["No interviewer yet"] == 1
    assert at.dataframe[0].proto.placeholder == EMPTY_CELL
    assert any("3 candidates in an open stage have no interviewer assigned; 1 assigned interview not submitted"
               in c.value for c in at.caption)
    assert {"candidates", "assignments", "compare"} <= _links(at)
    assert "privacy" not in _links(at) and "Accounts and model" not in _subheaders(at)


def test_a_recruiters_home_lists_what_changed_since_their_previous_sign_in(store, admin, recruiter, hiring, kit):
    ann, bo, cy = hiring["people"]
    store.authenticate("rory", PASSWORD)  # the previous visit
    store.move_candidates(admin, [bo.id], "rejected", "Position filled")
    submitted_interview(store, hiring["ivan"], ann.id, kit, rating=3)
    store.authenticate("rory", PASSWORD)  # this visit
    at = app_as(store, recruiter, PAGE)
    assert not at.exception
    since = store.previous_visit(recruiter)
    assert since is not None and f"Since your last visit ({since:%Y-%m-%d %H:%M} UTC)" in _subheaders(at)
    assert "1 stage move, 1 interview submitted, 0 candidates added." in [m.value for m in at.markdown]
    moves, submitted = at.dataframe[1].value, at.dataframe[2].value
    assert list(moves["Candidate"]) == ["Bo Bell"] and list(moves["To"]) == ["Rejected"]  # Ann's move came before
    assert list(submitted["Candidate"]) == ["Ann Avery"] and list(submitted["Interviewer"]) == ["ivan"]


def test_a_first_visit_shows_the_last_week(store, recruiter, hiring):
    at = app_as(store, recruiter, PAGE)  # a session with no earlier sign-in
    assert "In the last week" in _subheaders(at)
    assert "1 stage move, 0 interviews submitted, 5 candidates added." in [m.value for m in at.markdown]


def test_hrs_home_adds_retention_due_self_identification_and_the_way_to_each_duty(store, admin, hr, hiring):
    ann, bo, _ = hiring["people"]
    at = app_as(store, hr, PAGE)  # the app's retention pass has run: nothing was due
    store.set_retention(admin, hiring["desk"].id, 30)
    store.move_candidates(admin, [bo.id], "rejected", "Position filled")
    with store.atomic() as conn:  # since then, Cy's 30 days have passed with no activity
        conn.execute(update(candidates_table).where(candidates_table.c.id == hiring["people"][2].id)
                     .values(created_at=utcnow() - timedelta(days=90)))
    store.set_self_id(admin, bo.id, "female", None)
    at.run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Due for anonymisation"] == "1"
    assert metrics["Self-identified"] == "1 of 1"  # Bo, rejected, told; nobody else has a decision yet
    assert metrics["Last import"] == "never"
    assert {"privacy", "fairness", "import", "reports", "audit", "assignments"} <= _links(at)
    assert "Open positions" in _subheaders(at) and "Privacy and fairness" in _subheaders(at)


def test_an_admins_home_shows_the_accounts_and_the_model_in_use(store, admin, hiring):
    make_user(store, "paused", "recruiter")
    gone = make_user(store, "gone", "hr")
    store.set_active(admin, gone.id, False)
    at = app_as(store, admin, PAGE)
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Active accounts"] == "3"
    assert metrics["Model in use"] == (store.active_model_version() or "none")
    assert any("1 admin, 1 interviewer, 1 recruiter; 1 deactivated; 0 sign-in pauses." == c.value for c in at.caption)
    assert {"users", "model"} <= _links(at)


def test_an_interviewers_home_is_their_queue_and_nothing_of_hiring(store, admin, hiring):
    at = app_as(store, hiring["ivan"], PAGE)
    assert not at.exception
    assert "Assigned to you" in _subheaders(at) and "Open positions" not in _subheaders(at)
    assert not at.dataframe and not at.metric


def test_the_homes_reads_refuse_a_role_that_may_not_see_them(store, admin, hiring):
    ivan = hiring["ivan"]
    for read in (lambda: store.unassigned(ivan), lambda: store.changes_since(ivan, None),
                 lambda: store.self_id_coverage(ivan), lambda: store.last_import(ivan)):
        with pytest.raises(AccessDenied):
            read()
    rory = make_user(store, "rory2", "recruiter")
    with pytest.raises(AccessDenied):
        store.self_id_coverage(rory)
