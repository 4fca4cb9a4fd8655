"""The candidate page: every submitted scorecard in full for recruiters, HR and administrators, as plain text."""

import pytest
from streamlit.testing.v1 import AppTest

from analysis.labelling import label_answer
from data.fields import ANSWER_FIELDS, FIELD_NAMES
from data.records import CANDIDATE_STATUSES
from tests.builders import HOSTILE, submitted_interview
from tests.conftest import app_as, make_user
from tests.test_hostile import assert_inert, hostile_world  # noqa: F401 - hostile_world is a fixture
from ui.render import md_escape
from ui.state import Keys

PAGE = "ui/pages/candidate.py"


def open_candidate(store, user, candidate_id) -> AppTest:
    at = app_as(store, user, PAGE, {"candidate": str(candidate_id)})
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at) -> list[str]:
    return [t.value for t in at.text]


def captions(at) -> str:
    return "\n".join(c.value for c in at.caption)


def page_links(at) -> list:
    return [e.proto for e in at.get("page_link")]


def test_a_recruiter_reads_every_scorecard_in_full(store, admin, recruiter, interviewer, candidate, kit, model):
    iid = store.start_interview(interviewer, candidate.id, kit)
    first = kit.questions[0]
    for spec in ANSWER_FIELDS:
        store.save_answer_field(interviewer, iid, first.id, spec.name, f"Ivan's {spec.heading} text.")
    store.save_rating(interviewer, iid, first.id, 5)
    label_answer(store, model, interviewer, iid, first.id)
    store.review_label(interviewer, iid, first.id, action="override", label="mixed", reason="She named both reasons.")
    store.save_recommendation(interviewer, iid, "strong_yes", "Ready to start.")
    store.submit_interview(interviewer, iid, accept_gaps=True)
    submitted_interview(store, make_user(store, "olga", "interviewer"), candidate.id, kit, rating=2,
                        texts={"story": "Olga heard about {question}."}, recommendation="no", note="Too rushed.")
    store.set_candidate_status(admin, candidate.id, CANDIDATE_STATUSES[1])

    at = open_candidate(store, recruiter, candidate.id)

    assert [t.value for t in at.title] == ["Maya Okafor"]
    assert "Customer support agent · Stage: Interviewing since " in captions(at)
    assert [h.value for h in at.header] == ["Scorecards (2)"]
    assert [s.value for s in at.subheader][1:] == [f"{who} · {md_escape(kit.name)} v{md_escape(kit.version)}"
                                               for who in ("ivan", "olga")]
    for spec in ANSWER_FIELDS:
        assert f"Ivan's {spec.heading} text." in texts(at)
    assert f"Rating 5 of 5: {md_escape(first.anchor(5))}" in captions(at)
    assert "Overridden to mixed by ivan" in captions(at) and "She named both reasons." in texts(at)
    assert "Stated motive, as the model read it" in captions(at)
    assert "Ready to start." in texts(at) and "Too rushed." in texts(at)
    assert "**Recommendation: Strong yes**" in [m.value for m in at.markdown]
    assert all(f"Olga heard about {q.id}." in texts(at) for q in kit.questions)
    assert [m.value for m in at.markdown].count(f"**Q1. {md_escape(first.title)}**") == 2


def test_the_page_carries_its_static_print_layout_and_says_how_to_print(store, hr, interviewer, candidate, kit):
    for who in ("ivan2", "olga"):
        submitted_interview(store, make_user(store, who, "interviewer"), candidate.id, kit, texts={"story": "s"})
    at = open_candidate(store, hr, candidate.id)
    css = [str(h.proto) for h in at.get("html") if "@media print" in str(h.proto)]  # app.css is there too
    assert len(css) == 1 and "break-before: page" in css[0]
    assert "print or save as PDF" in captions(at)


def test_a_candidate_with_no_submitted_interview_says_so(store, admin, interviewer, candidate, kit):
    store.start_interview(interviewer, candidate.id, kit)
    at = open_candidate(store, admin, candidate.id)
    assert [i.value for i in at.info] == [
        "No interview of this candidate has been submitted yet, so there is no scorecard to read."]
    assert not at.header and [t.value for t in at.text] == [f"New since {candidate.created_at:%Y-%m-%d}"]


@pytest.mark.parametrize("raw, message", [
    ("abc", "This link does not name a valid candidate."),
    ("4.5", "This link does not name a valid candidate."),
    ("100000", md_escape("No candidate with id 100000.")),  # the store's refusal, shown as literal text
    ("99999999999999999999", md_escape("No candidate with id 99999999999999999999.")),
    ("-1", md_escape("No candidate with id -1.")),
])
def test_a_bad_or_unknown_candidate_link_says_so_plainly(store, admin, candidate, raw, message):
    at = open_candidate(store, admin, raw)
    assert [e.value for e in at.error] == [message] and not at.title


def test_without_a_candidate_the_page_points_to_the_candidates_page(store, recruiter):
    at = app_as(store, recruiter, PAGE)
    assert not at.exception and [t.value for t in at.title] == ["Candidate"]
    assert [p.page for p in page_links(at)] == ["candidates"]


def test_an_interviewer_is_refused_the_page_even_after_submitting(store, interviewer, candidate, kit):
    submitted_interview(store, interviewer, candidate.id, kit, texts={"notes": "Mine."})
    at = app_as(store, interviewer, PAGE, {"candidate": str(candidate.id)})  # the link typed in by hand
    assert not at.exception and any("does not give access" in e.value for e in at.error)
    assert "Mine." not in texts(at)


def test_hostile_text_on_the_candidate_page_stays_plain_text(store, admin, kit, hostile_world):  # noqa: F811
    at = open_candidate(store, admin, hostile_world["candidates"][0].id)
    assert_inert(at, "candidate")
    for html in at.get("html"):
        for marker in HOSTILE:
            assert marker not in str(html.proto), "typed text reached an HTML element"
    typed = {HOSTILE[(n + len(name)) % len(HOSTILE)] for n in range(len(kit.questions)) for name in FIELD_NAMES}
    typed |= {HOSTILE[9], HOSTILE[10]}  # both interviewers' override reason and recommendation note
    assert {t.replace("\x00", "").strip() for t in typed} <= {t.strip() for t in texts(at)}


def test_candidates_and_compare_link_to_the_candidate_page(store, admin, recruiter, candidate, kit):
    other = store.add_candidate(admin, candidate.position_id, "Leo Park")
    for who in (candidate, other):
        submitted_interview(store, make_user(store, f"iv{who.id}", "interviewer"), who.id, kit, rating=3)
    at = app_as(store, recruiter, "ui/pages/candidates.py")
    assert not at.exception
    [link] = [p for p in page_links(at) if p.page == "candidate"]
    assert link.query_string == f"candidate={other.id}"  # the profile's candidate: the newest, first in the list
    at = app_as(store, recruiter, "ui/pages/compare.py")
    at.multiselect(key=Keys.CMP_PICK).select(candidate.id).select(other.id).run()
    assert not at.exception
    links = [p for p in page_links(at) if p.page == "candidate"]
    assert sorted(p.query_string for p in links) == sorted(f"candidate={c.id}" for c in (candidate, other))


def test_a_recruiter_moves_the_candidate_to_hired_and_reads_the_history(store, recruiter, candidate):
    at = open_candidate(store, recruiter, candidate.id)
    here = Keys.stage_move(candidate.id, "new")
    at.selectbox(key=f"{here}.stage").set_value("offer").run()
    at.selectbox(key=f"{here}.reason.offer").set_value("Strong interviews").run()
    at.button(key=f"{Keys.MOVE_SUBMIT}.{candidate.id}").click().run()
    here = Keys.stage_move(candidate.id, "offer")
    assert at.selectbox(key=f"{here}.stage").value is None  # fresh controls after the move
    assert "Offer" not in at.selectbox(key=f"{here}.stage").options and "Hired" in at.selectbox(key=f"{here}.stage").options
    at.selectbox(key=f"{here}.stage").set_value("hired").run()
    at.selectbox(key=f"{here}.reason.hired").set_value("Other").run()
    at.text_input(key=f"{here}.note").input("Started early: [link](http://evil.example)").run()
    at.button(key=f"{Keys.MOVE_SUBMIT}.{candidate.id}").click().run()
    assert not at.exception
    assert store.get_candidate(recruiter, candidate.id).status == "hired"
    assert "Moved Maya Okafor to Hired" in at.success[0].value.replace("\\", "")
    history = at.dataframe[0].value
    assert list(history["To"]) == ["Hired", "Offer"] and list(history["From"]) == ["Offer", "New"]
    assert history["Note"].iloc[0] == "Started early: [link](http://evil.example)"  # a table cell: text
    assert at.text[0].value.startswith("Hired since ")


def test_a_reopened_and_resubmitted_scorecard_says_who_reopened_it_and_why(store, hr, interviewer, candidate, kit):
    from tests.builders import submitted_interview

    iid = submitted_interview(store, interviewer, candidate.id, kit, texts={"why": "I cared."}, rating=4)
    store.reopen_interview(hr, iid, "Typed the rating for Q2 into Q3 <b>by mistake</b>")
    store.save_rating(interviewer, iid, kit.questions[1].id, 2)
    store.submit_interview(interviewer, iid, accept_gaps=True)
    at = open_candidate(store, hr, candidate.id)
    words = captions(at)
    assert "Reopened for a correction by harriet on " in words and "Submitted again by ivan on " in words
    assert "Typed the rating for Q2 into Q3 <b>by mistake</b>" in texts(at)
