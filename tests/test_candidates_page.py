"""The Candidates page: a filtered, paged list, stage moves with reasons, corrections and the same-name question."""

import pytest

from data.records import COMMAND_LINE
from tests.builders import HOSTILE
from tests.conftest import app_as
from ui.hiring import PAGE_SIZE
from ui.state import Keys


def _people(store, n, position="Support"):
    store.import_candidates(COMMAND_LINE, [(f"Person {i:03d}", f"p{i}@example.com", position) for i in range(n)])


def test_the_list_pages_through_every_candidate_and_says_where_it_is(store, recruiter):
    _people(store, PAGE_SIZE + 7)
    at = app_as(store, recruiter, "ui/pages/candidates.py")
    assert not at.exception
    assert len(at.dataframe[0].value) == PAGE_SIZE
    assert f"Showing 1–{PAGE_SIZE} of {PAGE_SIZE + 7} candidates." in [c.value for c in at.caption]
    at.number_input(key=Keys.CAND_PAGE).set_value(2).run()
    assert len(at.dataframe[0].value) == 7
    assert f"Showing {PAGE_SIZE + 1}–{PAGE_SIZE + 7} of {PAGE_SIZE + 7} candidates." in [c.value for c in at.caption]


def test_changing_a_filter_goes_back_to_the_first_page(store, recruiter):
    _people(store, PAGE_SIZE + 7)
    at = app_as(store, recruiter, "ui/pages/candidates.py")
    at.number_input(key=Keys.CAND_PAGE).set_value(2).run()
    at.selectbox(key=Keys.CAND_ORDER).set_value("name").run()
    assert not at.exception and at.dataframe[0].value["Name"].iloc[0] == "Person 000"


def test_a_recruiter_moves_two_candidates_to_rejected_with_a_reason(store, recruiter):
    _people(store, 3)
    ids = [c.id for c in store.list_candidates(recruiter, order="name")]
    at = app_as(store, recruiter, "ui/pages/candidates.py")
    at.multiselect(key=Keys.MOVE_WHO).select(ids[0]).select(ids[1]).run()
    at.selectbox(key=Keys.MOVE_STAGE).set_value("rejected").run()
    assert at.button(key=Keys.MOVE_SUBMIT).disabled  # no reason yet
    at.selectbox(key=f"{Keys.MOVE_REASON}.rejected").set_value("Position filled").run()
    at.button(key=Keys.MOVE_SUBMIT).click().run()
    assert not at.exception
    assert [store.get_candidate(recruiter, i).status for i in ids] == ["rejected", "rejected", "new"]
    assert "Moved 2 candidates to Rejected" in at.success[0].value
    assert at.multiselect(key=Keys.MOVE_WHO).value == []  # cleared: a second click cannot move them again
    assert set(at.dataframe[0].value["Stage"]) == {"Rejected", "New"}


def test_other_as_a_reason_needs_a_note_and_nothing_moves_without_one(store, recruiter):
    _people(store, 1)
    at = app_as(store, recruiter, "ui/pages/candidates.py")
    at.checkbox(key=Keys.MOVE_ALL).check().run()
    at.selectbox(key=Keys.MOVE_STAGE).set_value("withdrawn").run()
    at.selectbox(key=f"{Keys.MOVE_REASON}.withdrawn").set_value("Other").run()
    at.button(key=Keys.MOVE_SUBMIT).click().run()
    assert "other reason" in at.error[0].value
    assert store.list_candidates(recruiter)[0].status == "new"


def test_the_stage_filter_keeps_only_those_stages(store, recruiter):
    _people(store, 4)
    first = store.list_candidates(recruiter, order="name")[0]
    store.move_candidates(recruiter, [first.id], "offer", "Strong interviews")
    at = app_as(store, recruiter, "ui/pages/candidates.py")
    at.multiselect(key=Keys.CAND_STAGES).select("offer").run()
    assert list(at.dataframe[0].value["Name"]) == ["Person 000"]
    assert "Showing 1–1 of 1 candidate." in [c.value for c in at.caption]


def test_interviewers_see_no_stage_controls(store, interviewer, candidate):
    at = app_as(store, interviewer, "ui/pages/candidates.py")
    assert not at.exception
    with pytest.raises(KeyError):
        at.selectbox(key=Keys.MOVE_STAGE)


def test_adding_a_name_already_in_the_position_asks_before_adding_a_second(store, recruiter, candidate):
    at = app_as(store, recruiter, "ui/pages/candidates.py")
    at.text_input(key=Keys.NEW_CAND_NAME).input("maya okafor")
    at.selectbox(key=Keys.NEW_CAND_POSITION).select_index(0)
    at.button(key=Keys.NEW_CAND_SUBMIT).click().run()
    assert not at.exception and len(store.list_candidates(recruiter)) == 1
    assert "already applied" in at.warning[0].value
    at.button(key=Keys.NEW_CAND_SUBMIT).click().run()  # asked, not confirmed: still one
    assert len(store.list_candidates(recruiter)) == 1
    at.checkbox(key=Keys.NEW_CAND_SAME_OK).check()
    at.button(key=Keys.NEW_CAND_SUBMIT).click().run()
    assert len(store.list_candidates(recruiter)) == 2
    assert at.text_input(key=Keys.NEW_CAND_NAME).value == ""


def test_a_position_is_closed_and_reopened_from_the_page(store, recruiter, candidate):
    at = app_as(store, recruiter, "ui/pages/candidates.py")
    pid = candidate.position_id
    at.selectbox(key=Keys.EDIT_POS).set_value(pid).run()
    at.button(key=Keys.EDIT_POS_TOGGLE).click().run()
    assert not at.exception and store.get_position(pid).closed
    assert "closed: no new interviews" in at.success[0].value
    at.selectbox(key=Keys.EDIT_POS).set_value(pid).run()
    at.button(key=Keys.EDIT_POS_TOGGLE).click().run()
    assert not store.get_position(pid).closed


def test_a_candidates_name_is_corrected_and_hostile_text_stays_text(store, recruiter, candidate):
    at = app_as(store, recruiter, "ui/pages/candidates.py")
    at.selectbox(key=Keys.EDIT_CAND).set_value(candidate.id).run()
    at.text_input(key=f"{Keys.EDIT_CAND_NAME}.{candidate.id}").input(HOSTILE[0]).run()
    at.button(key=Keys.EDIT_CAND_SAVE).click().run()
    assert not at.exception
    assert store.get_candidate(recruiter, candidate.id).name == HOSTILE[0].strip()
