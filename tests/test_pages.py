"""AppTest for every page: wiring, saving, and that each role is refused what it must not see."""

import datetime

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import PASSWORD, ROOT, answer_box, app_as, browser_sends, make_user
from ui import navigation
from ui.render import md_escape
from ui.state import Keys


def titles(at):
    return [t.value for t in at.title]


def test_empty_database_asks_for_the_first_administrator(store):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run()
    assert "Welcome to Motive" in titles(at)
    at.text_input(key=Keys.SETUP_USER).input("founder")
    at.text_input(key=Keys.SETUP_PASSWORD).input(PASSWORD)
    at.text_input(key=Keys.SETUP_REPEAT).input(PASSWORD)
    at.button(key=Keys.SETUP_SUBMIT).click().run()
    assert not at.exception
    assert "Motive" in titles(at) and store.find_user("founder").role == "admin"
    assert at.session_state[Keys.SESSION_TOKEN]


def test_first_administrator_passwords_must_match(store):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run()
    at.text_input(key=Keys.SETUP_USER).input("founder")
    at.text_input(key=Keys.SETUP_PASSWORD).input(PASSWORD)
    at.text_input(key=Keys.SETUP_REPEAT).input(PASSWORD + "x")
    at.button(key=Keys.SETUP_SUBMIT).click().run()
    assert [e.value for e in at.error] == ["The two passwords differ."] and store.user_count() == 0


def test_sign_in_with_wrong_then_right_password(store, admin):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run()
    at.text_input(key=Keys.SIGNIN_USER).input("admin")
    at.text_input(key=Keys.SIGNIN_PASSWORD).input("nope nope nope")
    at.button(key=Keys.SIGNIN_SUBMIT).click().run()
    assert "wrong password" in at.error[0].value
    at.text_input(key=Keys.SIGNIN_PASSWORD).input(PASSWORD)
    at.button(key=Keys.SIGNIN_SUBMIT).click().run()
    assert not at.exception and "Motive" in titles(at)


def test_sign_out_ends_the_session(store, admin):
    at = app_as(store, admin)
    token = at.session_state[Keys.SESSION_TOKEN]
    at.button(key=Keys.SIGN_OUT).click().run()
    assert not at.exception and at.text_input(key=Keys.SIGNIN_USER)
    with pytest.raises(Exception):
        store.user_for_session(token)


@pytest.mark.parametrize(
    "role, page, allowed",
    [
        ("interviewer", "users", False),
        ("interviewer", "model", False),
        ("interviewer", "reports", False),
        ("recruiter", "reports", False),
        ("interviewer", "imports", False),
        ("recruiter", "imports", False),
        ("hr", "reports", True),
        ("hr", "imports", True),
        ("hr", "model", False),
        ("recruiter", "users", False),
        ("hr", "users", False),
        ("recruiter", "interview", False),
        ("hr", "interview", False),
        ("interviewer", "interview", True),
        ("admin", "users", True),
        ("recruiter", "candidates", True),
        ("interviewer", "fairness", False),
        ("recruiter", "fairness", False),
        ("interviewer", "privacy", False),
        ("recruiter", "privacy", False),
        ("interviewer", "audit", False),
        ("recruiter", "audit", False),
        ("hr", "fairness", True),
        ("hr", "privacy", True),
        ("hr", "audit", True),
    ],
)
def test_each_page_checks_the_role_itself(store, admin, role, page, allowed):
    """Open the page by its address, as a typed URL or an old bookmark would: the page itself decides."""
    user = admin if role == "admin" else make_user(store, f"u-{role}", role)
    at = app_as(store, user, f"ui/pages/{page}.py")
    assert not at.exception
    refused = any("does not give access" in e.value for e in at.error)
    assert refused is (not allowed)


@pytest.mark.parametrize("spec", navigation.PAGES, ids=lambda spec: spec.url)
def test_signed_out_visitor_is_refused_every_page(store, admin, spec):
    at = AppTest.from_file(str(ROOT / spec.path), default_timeout=30).run()
    assert not at.exception and [w.value for w in at.warning] == ["Please sign in."]


PLAIN = (str, int, float, bool, type(None), datetime.date)  # datetime.date: a date input's in-progress value


def plain(value) -> bool:
    """Ids and in-progress values only: never bytes, a closure, a store or a record object."""
    if isinstance(value, (list, tuple)):
        return all(plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and plain(v) for k, v in value.items())
    return isinstance(value, PLAIN)


def assert_plain_session_state(at):
    held = {k: type(v).__name__ for k, v in at.session_state.to_dict().items() if not plain(v)}
    assert not held, f"session state holds more than ids and typed values: {held}"


@pytest.mark.parametrize("role", ["admin", "interviewer", "recruiter", "hr"])
@pytest.mark.parametrize("spec", navigation.PAGES, ids=lambda spec: spec.url)
def test_the_menu_and_the_page_guard_follow_the_one_declaration(store, admin, candidate, role, spec):
    """The menu lists a page exactly when its declared permission allows it, and the page itself agrees."""
    from data.access import allowed

    user = admin if role == "admin" else make_user(store, f"u-{role}", role)
    at = app_as(store, user, spec.path)  # every page resolves by its address, offered or not
    assert not at.exception
    refused = any("does not give access" in e.value for e in at.error)
    assert refused is not allowed(role, spec.permission)
    assert (spec.url in navigation.listed(role)) is (spec.listed and allowed(role, spec.permission))
    if not refused:
        assert_plain_session_state(at)


def test_candidates_page_adds_a_position_and_a_candidate(store, admin):
    at = app_as(store, admin, "ui/pages/candidates.py")
    at.text_input(key=Keys.NEW_POS_NAME).input("Night concierge")
    at.button(key=Keys.NEW_POS_SUBMIT).click().run()
    assert not at.exception and [p.name for p in store.list_positions()] == ["Night concierge"]
    at.text_input(key=Keys.NEW_CAND_NAME).input("**Bold** <b>Name</b>")
    at.text_input(key=Keys.NEW_CAND_EMAIL).input("bold@example.com")
    at.selectbox(key=Keys.NEW_CAND_POSITION).select_index(0)
    at.button(key=Keys.NEW_CAND_SUBMIT).click().run()
    assert not at.exception
    assert [c.name for c in store.list_candidates(admin)] == ["**Bold** <b>Name</b>"]
    assert at.text_input(key=Keys.NEW_CAND_NAME).value == ""


def test_candidates_page_keeps_typed_values_when_input_is_rejected(store, admin, candidate):
    at = app_as(store, admin, "ui/pages/candidates.py")
    at.text_input(key=Keys.NEW_CAND_NAME).input("Second Maya")
    at.text_input(key=Keys.NEW_CAND_EMAIL).input("not-an-email")
    at.selectbox(key=Keys.NEW_CAND_POSITION).select_index(0)
    at.button(key=Keys.NEW_CAND_SUBMIT).click().run()
    assert "not a valid email" in at.error[0].value
    assert at.text_input(key=Keys.NEW_CAND_NAME).value == "Second Maya"


def test_starting_an_interview_opens_it_with_its_id_in_the_url(store, interviewer, candidate):
    at = app_as(store, interviewer, "ui/pages/candidates.py")
    at.button(key=Keys.CAND_START).click().run()
    assert not at.exception
    iid = store.list_interviews(interviewer)[0].id
    assert at.query_params["interview"] == str(iid)
    assert titles(at) == ["Interview: Maya Okafor"]


def _interview_app(store, user, iid, q=None):
    query = {"interview": str(iid)}
    if q:
        query["q"] = q
    return app_as(store, user, "ui/pages/interview.py", query)


def test_typed_answer_is_saved_on_change_and_shown_after_a_reload(store, interviewer, candidate, kit):
    iid = store.start_interview(interviewer, candidate.id, kit)
    at = _interview_app(store, interviewer, iid)
    key = Keys.answer(iid, "extra-mile", "why")
    at.session_state[key] = "I pictured my own dad stuck there."
    at.run()
    assert not at.exception
    assert answer_box(at, key)["mark"].startswith("✓ Saved ")
    assert store.sheet(interviewer, iid).answers["extra-mile"].why == "I pictured my own dad stuck there."
    reloaded = _interview_app(store, interviewer, iid)  # a new browser session, same URL
    assert answer_box(reloaded, key)["text"] == "I pictured my own dad stuck there."


def test_text_the_browser_sends_while_typing_is_saved_and_confirmed_back(store, interviewer, candidate, kit):
    iid = store.start_interview(interviewer, candidate.id, kit)
    at = _interview_app(store, interviewer, iid)
    key = Keys.answer(iid, "extra-mile", "story")
    browser_sends(at, key, "She had lost her booking; I rebuilt it", n=1_700_000_000_001)
    assert not at.exception
    assert store.sheet(interviewer, iid).answers["extra-mile"].story == "She had lost her booking; I rebuilt it"
    sent_back = answer_box(at, key)
    # What the browser compares with its own text and send number to stop saying "Saving..."
    assert sent_back["text"] == "She had lost her booking; I rebuilt it" and sent_back["n"] == 1_700_000_000_001
    assert sent_back["revision"] == 1 and sent_back["mark"].startswith("✓ Saved ")
    browser_sends(at, key, "She had lost her booking; I rebuilt it from her emails.", n=1_700_000_000_002)
    answer = store.sheet(interviewer, iid).answers["extra-mile"]
    assert answer.story == "She had lost her booking; I rebuilt it from her emails." and answer.revision == 2
    assert answer_box(at, key)["n"] == 1_700_000_000_002


def test_each_answer_field_keeps_its_browser_draft_under_the_user_interview_question_and_field(
        store, interviewer, candidate, kit):
    iid = store.start_interview(interviewer, candidate.id, kit)
    at = _interview_app(store, interviewer, iid)
    drafts = [answer_box(at, Keys.answer(iid, "extra-mile", f))["draft"] for f in ("story", "why", "feeling", "notes")]
    assert drafts == [f"motive.draft.{interviewer.id}.{iid}.extra-mile.{f}" for f in ("story", "why", "feeling", "notes")]


def test_signing_out_clears_every_browser_draft(store, interviewer):
    at = app_as(store, interviewer)
    at.button(key=Keys.SIGN_OUT).click().run()
    assert not at.exception
    scripts = [str(h.proto) for h in at.get("html")]
    assert any("motive.draft." in s and "localStorage.removeItem" in s for s in scripts)


def test_rating_is_saved_with_anchors_in_view(store, interviewer, candidate, kit):
    iid = store.start_interview(interviewer, candidate.id, kit)
    at = _interview_app(store, interviewer, iid)
    radio = at.radio(key=Keys.rating(iid, "extra-mile"))
    assert any(md_escape(kit.question("extra-mile").anchor(5)) in o for o in radio.options)  # shown as text
    radio.set_value(4).run()
    assert store.sheet(interviewer, iid).ratings["extra-mile"] == 4


def test_next_moves_to_the_next_question_and_remembers_it(store, interviewer, candidate, kit):
    iid = store.start_interview(interviewer, candidate.id, kit)
    at = _interview_app(store, interviewer, iid)
    at.button(key=Keys.IV_NEXT).click().run()
    assert not at.exception
    second = kit.questions[1].id
    assert at.query_params["q"] == second
    assert store.get_interview(interviewer, iid).current_question == second
    # a second tab without ?q= opens where the interviewer is
    assert answer_box(_interview_app(store, interviewer, iid), Keys.answer(iid, second, "story"))


def test_probes_follow_what_is_missing(store, interviewer, candidate, kit):
    from analysis.probes import ASK_FEELING, ASK_WHY

    iid = store.start_interview(interviewer, candidate.id, kit)
    store.save_answer_field(interviewer, iid, "extra-mile", "story", "I stayed late.")
    store.save_answer_field(interviewer, iid, "extra-mile", "feeling", "Great.")
    infos = [i.value for i in _interview_app(store, interviewer, iid).info]
    assert md_escape(ASK_WHY) in infos and md_escape(ASK_FEELING) not in infos


def test_submit_flags_gaps_and_then_locks_the_interview(store, interviewer, candidate, kit):
    iid = store.start_interview(interviewer, candidate.id, kit)
    store.save_answer_field(interviewer, iid, "extra-mile", "story", "Kept after submit.")
    at = _interview_app(store, interviewer, iid, q="__finish__")
    assert "Still unanswered" in at.warning[0].value
    assert at.button(key=Keys.IV_SUBMIT).disabled
    at.radio(key=f"{Keys.IV_RECOMMENDATION}.{iid}").set_value("yes").run()
    at.checkbox(key=Keys.IV_ACCEPT_GAPS).check().run()
    at.checkbox(key=Keys.IV_CONFIRM_SUBMIT).check().run()
    at.button(key=Keys.IV_SUBMIT).click().run()
    assert not at.exception
    assert store.get_interview(interviewer, iid).submitted
    after = _interview_app(store, interviewer, iid)
    assert "read-only" in after.info[0].value
    field = answer_box(after, Keys.answer(iid, "extra-mile", "story"))
    assert field["disabled"] and field["text"] == "Kept after submit."
    browser_sends(after, Keys.answer(iid, "extra-mile", "story"), "Sent from a stale page")
    assert not after.exception
    assert store.sheet(interviewer, iid).answers["extra-mile"].story == "Kept after submit."


def test_bad_interview_link_shows_a_clear_error(store, interviewer):
    at = app_as(store, interviewer, "ui/pages/interview.py", {"interview": "abc"})
    assert not at.exception and "not name a valid interview" in at.error[0].value
    at = app_as(store, interviewer, "ui/pages/interview.py", {"interview": "424242"})
    assert "No interview with id 424242" in at.error[0].value


def test_an_interviewer_cannot_tell_a_colleagues_interview_from_one_that_does_not_exist(store, admin, interviewer,
                                                                                         candidate, kit):
    from data.errors import NotFoundError

    theirs = store.start_interview(interviewer, candidate.id, kit)
    prober = make_user(store, "prober", "interviewer")
    missing = theirs + 1000

    def store_answers(iid: int) -> list[str]:
        said = []
        for call in (lambda: store.sheet(prober, iid), lambda: store.get_interview(prober, iid),
                     lambda: store.save_answer_field(prober, iid, kit.questions[0].id, "why", "probe"),
                     lambda: store.save_rating(prober, iid, kit.questions[0].id, 3)):
            with pytest.raises(NotFoundError) as refused:
                call()
            said.append(str(refused.value).replace(str(iid), "N"))
        return said

    assert store_answers(theirs) == store_answers(missing) == store_answers(2**63)
    shown = {}
    for iid in (theirs, missing, 10**30):  # a link may carry an id larger than either database can hold
        at = app_as(store, prober, "ui/pages/interview.py", {"interview": str(iid)})
        assert not at.exception
        shown[iid] = [e.value.replace(str(iid), "N") for e in at.error]
    assert shown[theirs] == shown[missing] == shown[10**30] and shown[theirs]


def test_answer_fields_carry_the_documented_length_limits(store, interviewer, candidate, kit):
    from data.records import LIMITS

    iid = store.start_interview(interviewer, candidate.id, kit)
    at = _interview_app(store, interviewer, iid)
    for field in ("story", "why", "feeling", "notes"):
        assert answer_box(at, Keys.answer(iid, "extra-mile", field))["limit"] == LIMITS[field]


def test_candidate_text_is_never_rendered_as_markup(store, admin, interviewer, kit):
    position = store.create_position(admin, "Agent")
    cand = store.add_candidate(admin, position.id, "[click](http://evil.example) <img src=x onerror=alert(1)>")
    iid = store.start_interview(interviewer, cand.id, kit)
    at = _interview_app(store, interviewer, iid)
    assert not at.exception
    assert md_escape("[click](http:") in at.title[0].value and "\\<img" in at.title[0].value


def test_users_page_creates_an_account_and_changes_a_role(store, admin):
    at = app_as(store, admin, "ui/pages/users.py")
    at.text_input(key=Keys.USR_NEW_NAME).input("rita")
    at.selectbox(key=Keys.USR_NEW_ROLE).select("recruiter")
    at.text_input(key=Keys.USR_NEW_PASSWORD).input(PASSWORD)
    at.button(key=Keys.USR_NEW_SUBMIT).click().run()
    assert not at.exception and store.find_user("rita").role == "recruiter"
    rita = store.find_user("rita")
    at.selectbox(key=Keys.USR_PICK).select(rita.id)
    at.run()
    at.selectbox(key=Keys.USR_ROLE).select("hr")
    at.button(key=Keys.USR_ROLE_SUBMIT).click().run()
    assert store.find_user("rita").role == "hr"


def test_account_page_changes_the_password(store, interviewer):
    at = app_as(store, interviewer, "ui/pages/account.py")
    at.text_input(key=Keys.ACC_OLD).input(PASSWORD)
    at.text_input(key=Keys.ACC_NEW).input("another long passphrase")
    at.text_input(key=Keys.ACC_REPEAT).input("another long passphrase")
    at.button(key=Keys.ACC_SUBMIT).click().run()
    assert not at.exception
    assert store.authenticate("ivan", "another long passphrase").id == interviewer.id


def test_home_lists_interviews_to_resume(store, interviewer, candidate, kit):
    store.start_interview(interviewer, candidate.id, kit)
    at = app_as(store, interviewer)
    assert not at.exception
    assert any("Your interviews in progress" == s.value for s in at.subheader)


def test_saving_the_why_shows_the_advisory_label_and_evidence(store, interviewer, candidate, kit):
    iid = store.start_interview(interviewer, candidate.id, kit)
    at = _interview_app(store, interviewer, iid)
    at.session_state[Keys.answer(iid, "extra-mile", "why")] = "Target week, and my manager was watching."
    at.run()
    assert not at.exception
    texts = [m.value for m in at.markdown]
    assert any("extrinsic" in t and "confident" in t for t in texts)
    assert any(":color[" in t and "background=" in t for t in texts)  # the evidence phrases, tinted
    assert store.labels(interviewer, iid)["extra-mile"].label == "extrinsic"


def test_an_answer_the_model_is_not_sure_of_says_probe_instead_of_a_label(store, interviewer, candidate, kit):
    iid = store.start_interview(interviewer, candidate.id, kit)
    at = _interview_app(store, interviewer, iid)
    at.session_state[Keys.answer(iid, "extra-mile", "why")] = "Lorem ipsum dolor sit amet, consectetur."
    at.run()
    assert not at.exception
    record = store.labels(interviewer, iid)["extra-mile"]
    assert record.confidence < 0.6
    texts = [m.value for m in at.markdown]
    assert any("not sure: probe" in t for t in texts)
    assert not any(f"-badge[{record.label}]" in t for t in texts)


def test_interviewer_overrides_the_label_with_a_reason(store, interviewer, candidate, kit):
    iid = store.start_interview(interviewer, candidate.id, kit)
    at = _interview_app(store, interviewer, iid)
    at.session_state[Keys.answer(iid, "extra-mile", "why")] = "Target week, and my manager was watching."
    at.run()
    base = Keys.review(iid, "extra-mile")
    at.selectbox(key=f"{base}.label").select("mixed")
    at.button(key=f"{base}.override").click().run()
    assert "needs a reason" in at.error[0].value  # refused, nothing recorded
    assert store.labels(interviewer, iid)["extra-mile"].review is None
    at.text_input(key=f"{base}.reason").input("Later she said she stayed because the man was frightened.")
    at.button(key=f"{base}.override").click().run()
    assert not at.exception
    rec = store.labels(interviewer, iid)["extra-mile"]
    assert rec.final_label == "mixed" and rec.label == "extrinsic"


EXTRINSIC = {"story": "Her parcel was stuck in the depot, so I re-booked the van and rang her back the same day.",
             "why": "My manager was watching and I would have got a written warning otherwise.",
             "feeling": "Relieved that I kept my bonus."}


def _answered(store, model, interviewer, iid, texts, question="extra-mile"):
    from analysis.labelling import save_answer

    for field, text in texts.items():
        save_answer(store, model, interviewer, iid, question, field, text)
    return store.labels(interviewer, iid)[question]


def test_after_an_override_the_interview_leads_with_the_interviewers_label_and_probes_it(
        store, interviewer, candidate, kit, model):
    iid = store.start_interview(interviewer, candidate.id, kit)
    assert _answered(store, model, interviewer, iid, EXTRINSIC).label == "extrinsic"
    before = _interview_app(store, interviewer, iid)
    assert md_escape(kit.extrinsic_probe) in [i.value for i in before.info]  # complete, but the reason is an outer one
    store.review_label(interviewer, iid, "extra-mile", action="override", label="intrinsic",
                       reason="She stayed on long after the numbers were counted.")
    at = _interview_app(store, interviewer, iid)
    assert not at.exception
    badges = [m.value for m in at.markdown if "-badge[" in m.value]
    assert badges == [":green-badge[**Your label: intrinsic**]"]  # the interviewer's label leads, alone in the badge
    assert any("Overridden by ivan" in c.value and "the model read extrinsic" in c.value for c in at.caption)
    assert md_escape(kit.extrinsic_probe) not in [i.value for i in at.info]  # the probe speaks of the final label


def test_one_click_on_submit_does_not_submit_the_interview(store, interviewer, candidate, kit):
    iid = store.start_interview(interviewer, candidate.id, kit)
    for q in kit.questions:
        for field in ("story", "why", "feeling"):
            store.save_answer_field(interviewer, iid, q.id, field, f"The {field} of {q.id}.")
        store.save_rating(interviewer, iid, q.id, 4)
    store.save_recommendation(interviewer, iid, "yes", None)
    at = _interview_app(store, interviewer, iid, q="__finish__")
    assert not at.warning  # nothing unanswered: only the confirmation stands between a click and submitting
    assert at.button(key=Keys.IV_SUBMIT).disabled
    confirm = at.checkbox(key=Keys.IV_CONFIRM_SUBMIT)
    assert "cannot change it afterwards" in confirm.label and "only HR or an administrator can reopen it" in confirm.label
    assert not store.get_interview(interviewer, iid).submitted
    confirm.check().run()
    at.button(key=Keys.IV_SUBMIT).click().run()
    assert not at.exception and store.get_interview(interviewer, iid).submitted


def test_the_interview_names_the_principles_a_question_probes(store, interviewer, candidate, kit):
    iid = store.start_interview(interviewer, candidate.id, kit)
    at = _interview_app(store, interviewer, iid)
    probes = [c.value for c in at.caption if c.value.startswith("Principles it probes")]
    assert probes == ["Principles it probes: Above and beyond, No thanks needed"]


def test_model_page_shows_the_active_model_to_admins(store, admin):
    at = app_as(store, admin, "ui/pages/model.py")
    assert not at.exception and "Active:" in at.markdown[0].value
    assert at.button(key="model.train").disabled  # too few reviewed answers yet


def test_candidates_page_shows_the_motivation_profile_to_recruiters(store, admin, interviewer, candidate, kit, model):
    from analysis.labelling import label_answer

    iid = store.start_interview(interviewer, candidate.id, kit)
    store.save_answer_field(interviewer, iid, "extra-mile", "why", "I just felt for him.")
    label_answer(store, model, interviewer, iid, "extra-mile")
    recruiter = make_user(store, "rita", "recruiter")
    at = app_as(store, recruiter, "ui/pages/candidates.py")
    assert not at.exception
    table = at.dataframe[-1].value
    assert list(table["Interviewer"]) == ["ivan", "All interviewers"] and table["intrinsic"].tolist() == [1, 1]


def test_an_interview_save_refused_by_a_read_only_database_says_so_and_keeps_the_text(
        store, interviewer, candidate, kit, monkeypatch):
    from data.errors import StoreUnavailable
    from data.store import Store
    from data.store.base import READ_ONLY

    iid = store.start_interview(interviewer, candidate.id, kit)
    at = _interview_app(store, interviewer, iid)

    def read_only(self, *args, **kwargs):
        raise StoreUnavailable(READ_ONLY)

    monkeypatch.setattr(Store, "save_answer_field", read_only)
    at.session_state[Keys.answer(iid, "extra-mile", "why")] = "Because she was on her own."
    at.run()
    shown = [e.value.replace("\\", "").replace("\u2060", "") for e in at.error]
    assert not at.exception and any(READ_ONLY in m and m.startswith("Not saved yet") for m in shown)
    assert at.session_state[Keys.PENDING_SAVES]


def test_model_page_shows_before_and_after_then_accepts_and_rolls_back(store, admin, model):
    from analysis.registry import ensure_active_model

    shipped = ensure_active_model(store)
    support = [[20, 0, 0, 0], [0, 20, 0, 0], [0, 0, 10, 0], [0, 0, 0, 10]]  # 60 held-out answers, every label
    per = {"intrinsic": 0.8, "extrinsic": 0.8, "mixed": 0.8, "unclear": 0.8}
    figures = {"macro_f1": 0.8, "accuracy": 0.8, "kappa": 0.7, "wrong_side_rate": 0.0, "per_label_f1": per,
               "confusion": support}
    store.add_model_version(admin, "org-candidate", model.to_bytes(), metrics={
        "held_out_before": figures, "held_out_after": {**figures, "per_label_f1": {**per, "mixed": 0.9, "unclear": 1.0}},
        "n_held_out": 60, "compared_with": shipped})
    at = app_as(store, admin, "ui/pages/model.py")
    table = at.dataframe[-2].value
    assert list(table["Candidate"])[0] == pytest.approx(0.875) and list(table[f"Active ({shipped})"])[0] == 0.8
    assert not at.warning  # enough held-out answers of every label: Accept asks once
    at.button(key="model.accept.org-candidate").click().run()
    assert not at.exception and store.active_model_version() == "org-candidate"
    at.button(key="model.rollback").click().run()
    assert not at.exception and store.active_model_version() == shipped


def test_a_save_the_database_did_not_answer_is_kept_as_plain_values_and_lands_on_the_next_run(
        store, interviewer, candidate, kit, monkeypatch):
    from data.errors import StoreUnavailable
    from data.store import Store

    iid = store.start_interview(interviewer, candidate.id, kit)
    at = _interview_app(store, interviewer, iid)
    saves = Store.save_answer_field

    def unreachable(self, *args, **kwargs):
        raise StoreUnavailable("The database is not reachable; try again in a moment.")

    monkeypatch.setattr(Store, "save_answer_field", unreachable)
    key = Keys.answer(iid, "extra-mile", "why")
    at.session_state[key] = "Target week, and my manager was watching."
    at.run()
    assert not at.exception and any("Not saved yet" in e.value for e in at.error)
    assert store.sheet(interviewer, iid).answers["extra-mile"].why == ""
    assert at.session_state[Keys.PENDING_SAVES] and plain(at.session_state[Keys.PENDING_SAVES])
    monkeypatch.setattr(Store, "save_answer_field", saves)
    at.run()  # the interviewer's next action
    assert not at.exception and not at.error and at.session_state[Keys.PENDING_SAVES] == {}
    assert store.sheet(interviewer, iid).answers["extra-mile"].why == "Target week, and my manager was watching."
    assert store.labels(interviewer, iid)["extra-mile"].label == "extrinsic"  # the retried save relabels too


def test_refusals_show_the_text_they_quote_literally(store, admin):
    at = app_as(store, make_user(store, "harriet", "hr"), "ui/pages/imports.py")
    at.get("file_uploader")[0].upload("list.csv", b"[click](http://evil.example),**x**\n1,2\n", "text/csv").run()
    assert not at.exception
    shown = at.error[0].value
    assert "must name the columns" in shown and "](http" not in shown and "**x**" not in shown


@pytest.mark.parametrize("revoke", ["signed out elsewhere", "deactivated"])
def test_an_open_interview_page_cannot_save_after_its_sign_in_ends(store, admin, interviewer, candidate, kit, revoke):
    iid = store.start_interview(interviewer, candidate.id, kit)
    at = _interview_app(store, interviewer, iid)
    if revoke == "deactivated":
        store.set_active(admin, interviewer.id, False)
    else:
        store.end_session(at.session_state[Keys.SESSION_TOKEN])
    key = Keys.answer(iid, "extra-mile", "why")
    at = browser_sends(at, key, "Typed after the sign-in ended.")
    assert not at.exception
    assert store.sheet(admin, iid).answers["extra-mile"].why == ""
    assert at.session_state[key] == "Typed after the sign-in ended."  # still on the page's state, not lost
    if revoke == "signed out elsewhere":  # signing in again in the same tab saves what was kept
        at.session_state[Keys.SESSION_TOKEN] = store.create_session(interviewer)
        at.query_params["interview"] = str(iid)
        at.switch_page("ui/pages/interview.py").run()
        assert not at.exception
        assert store.sheet(admin, iid).answers["extra-mile"].why == "Typed after the sign-in ended."


def test_two_tabs_editing_one_field_never_silently_overwrite_each_other(store, interviewer, candidate, kit):
    iid = store.start_interview(interviewer, candidate.id, kit)
    laptop, tablet = _interview_app(store, interviewer, iid), _interview_app(store, interviewer, iid)
    key = Keys.answer(iid, "extra-mile", "why")
    laptop = browser_sends(laptop, key, "She was crying at the counter.")
    tablet = browser_sends(tablet, key, "My supervisor told me to.")
    assert not laptop.exception and not tablet.exception
    assert store.sheet(interviewer, iid).answers["extra-mile"].why == "She was crying at the counter."
    shown = [t.value for t in tablet.text]
    assert "She was crying at the counter." in shown and "My supervisor told me to." in shown
    assert any("another device or tab" in e.value for e in tablet.error)
    tablet.button(key=f"conflict.merge.{key}").click().run()
    assert not tablet.exception and not tablet.error
    merged = "She was crying at the counter.\n\nMy supervisor told me to."
    assert store.sheet(interviewer, iid).answers["extra-mile"].why == merged
    assert tablet.session_state[key] == merged and answer_box(tablet, key)["replace"]["text"] == merged
    kept = store.field_history(interviewer, iid)
    assert {v.text for v in kept} == {"My supervisor told me to.", "She was crying at the counter."}
    assert any("Earlier texts of this question (2)" in e.label for e in tablet.expander)


def test_keeping_the_other_devices_text_saves_nothing_over_it(store, interviewer, candidate, kit):
    iid = store.start_interview(interviewer, candidate.id, kit)
    laptop, tablet = _interview_app(store, interviewer, iid), _interview_app(store, interviewer, iid)
    key = Keys.answer(iid, "extra-mile", "story")
    laptop = browser_sends(laptop, key, "A lost passport.")
    tablet = browser_sends(tablet, key, "A lost wallet.")
    tablet.button(key=f"conflict.theirs.{key}").click().run()
    assert not tablet.exception and answer_box(tablet, key)["replace"]["text"] == "A lost passport."
    tablet = browser_sends(tablet, key, "A lost passport, found at the gate.", n=2)  # based on theirs: no conflict
    assert not tablet.error
    assert store.sheet(interviewer, iid).answers["extra-mile"].story == "A lost passport, found at the gate."


def test_every_save_from_the_browser_says_which_revision_it_was_based_on(store, interviewer, candidate, kit):
    from data.schema import audit_log
    from sqlalchemy import select

    iid = store.start_interview(interviewer, candidate.id, kit)
    at = _interview_app(store, interviewer, iid)
    key = Keys.answer(iid, "extra-mile", "story")
    at = browser_sends(at, key, "A lost parcel.", n=1, base=0)
    at = browser_sends(at, key, "A lost parcel, found.", n=2, base=1)
    assert not at.exception
    with store.reading() as conn:
        edits = [r.detail for r in conn.execute(select(audit_log).where(audit_log.c.action == "answer.edited"))]
    assert ['"based_on": 0' in d for d in edits] == [True, False] and '"based_on": 1' in edits[1]


def test_a_report_download_is_named_by_its_scope_and_covers_every_candidate_in_it(
        store, hr, interviewer, kit, monkeypatch):
    import io

    import openpyxl
    from streamlit.runtime.media_file_manager import MediaFileManager

    from tests.builders import submitted_interview

    made: dict[str, object] = {}
    register = MediaFileManager.add_deferred

    def capture(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        made[file_name] = data_callable
        return register(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", capture)
    store.import_candidates(hr, [("Ana", "", "Night Desk"), ("Ben", "", "Night Desk"), ("Cleo", "", "Day Desk")])
    people = {c.name: c for c in store.list_candidates(hr)}
    submitted_interview(store, interviewer, people["Ana"].id, kit, rating=4)
    today = datetime.datetime.now(datetime.timezone.utc).date()

    def button_and_workbook(name):
        [button] = at.get("download_button")  # the previous scope's button is gone
        assert button.proto.id.endswith(Keys.rep_download(name)) and name in made
        return button, openpyxl.load_workbook(io.BytesIO(made[name]()))

    at = app_as(store, hr, "ui/pages/reports.py")
    at.selectbox(key=Keys.REP_POSITION).set_value(people["Ana"].position_id).run()
    assert not at.exception
    _, wb = button_and_workbook(f"motive-report-night-desk-{today}.xlsx")
    assert [r[0] for r in wb["Candidates"].iter_rows(min_row=2, values_only=True)] == ["Ana", "Ben"]

    at.radio(key=Keys.REP_SCOPE).set_value("Everything within the filters").run()
    at.date_input(key=Keys.REP_ADDED).set_value((today, today)).run()
    assert not at.exception
    name = f"motive-report-all-positions-{today}-{today}.xlsx"
    button, wb = button_and_workbook(name)
    assert "every position; added from" in button.proto.label
    assert f"Saved as {md_escape(name)}" in [c.value for c in at.caption]
    assert len(list(wb["Candidates"].iter_rows(min_row=2))) == 3 and wb["Summary"]["A1"].value == "Position"
    [entry] = store.audit_entries(hr, action="export.report")[0][:1]
    assert entry.detail["file"] == name


# -- a database that cannot serve (issue 15, item 15) --------------------------------------------

def _damage(path: str) -> None:
    with open(path, "r+b") as f:
        f.write(b"not a database any more" * 8)  # over SQLite's header


@pytest.mark.sqlite_only("a read-only SQLite file")
def test_a_read_only_database_shows_motives_message_not_a_crash(store, admin, db_url, monkeypatch):
    from data.store.base import READ_ONLY

    token = store.create_session(admin)
    store.dispose()
    path = db_url.removeprefix("sqlite:///")
    monkeypatch.setenv("MOTIVE_DATABASE_URL", f"sqlite:///file:{path}?mode=ro&uri=true")  # as chmod 444, even as root
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.session_state[Keys.SESSION_TOKEN] = token
    at.run()
    assert not at.exception
    assert [e.value.replace("\\", "").replace("\u2060", "") for e in at.error] == [READ_ONLY]


@pytest.mark.sqlite_only("a damaged SQLite file")
def test_a_corrupted_database_shows_motives_message_at_start_and_mid_session(store, admin, db_url):
    from data.store.base import DAMAGED

    store.create_position(admin, "Desk")
    at = app_as(store, admin, "ui/pages/candidates.py")
    assert not at.exception and not at.error
    from data.settings import Settings
    from ui import resources

    _damage(db_url.removeprefix("sqlite:///"))
    resources.store(Settings.from_env()).dispose()  # the app's open store: its next connection meets the damage
    at.run()
    assert not at.exception
    assert [e.value.replace("\\", "").replace("\u2060", "") for e in at.error] == [DAMAGED]
    store.dispose()
    resources.store.clear()
    fresh = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run()
    assert not fresh.exception
    assert [e.value.replace("\\", "").replace("\u2060", "") for e in fresh.error] == [DAMAGED]


def test_a_read_only_database_refuses_a_write_with_what_to_do(store, admin, backend):
    from sqlalchemy import event

    from data.errors import StoreUnavailable
    from data.store.base import READ_ONLY

    pid = store.create_position(admin, "Desk").id
    store.engine.dispose()
    limit = "PRAGMA query_only = ON" if backend == "sqlite" else "SET default_transaction_read_only = on"
    event.listen(store.engine, "connect", lambda conn, _: (conn.cursor().execute(limit), conn.commit()))
    with pytest.raises(StoreUnavailable) as refused:
        store.add_candidate(admin, pid, "Ana")
    assert str(refused.value) == READ_ONLY


@pytest.mark.sqlite_only("SQLite's page limit stands in for a full disk")
def test_a_full_database_refuses_a_write_with_what_to_do(store, admin):
    from sqlalchemy import event

    from data.errors import StoreUnavailable
    from data.store.base import FULL

    store.engine.dispose()
    event.listen(store.engine, "connect", lambda conn, _: conn.cursor().execute(
        "PRAGMA max_page_count = " + str(conn.execute("PRAGMA page_count").fetchone()[0])))
    with pytest.raises(StoreUnavailable) as full:
        for n in range(50):
            store.create_position(admin, f"Position {n}", "x" * 4000)
    assert str(full.value) == FULL


def test_an_interviewer_opening_an_hr_page_by_its_address_is_told_and_shown_the_way_home(store, admin, interviewer):
    at = app_as(store, interviewer, "ui/pages/fairness.py")
    assert not at.exception
    assert titles(at) == ["You don't have access to this page"]
    assert [p.proto.page for p in at.get("page_link")] == [""]  # the home page, the app's root
    assert "fairness" not in navigation.listed("interviewer") and "home" in navigation.listed("interviewer")


def _told_browser_empty(widget) -> bool:
    """The page sent the browser this widget emptied: without set_value the browser keeps showing, and
    sends back with the next click, what was typed before."""
    return widget.proto.set_value and widget.value in ("", None, [])


def test_a_recruiter_adding_a_candidate_gets_an_empty_form_back_and_a_second_click_adds_nothing(store, admin,
                                                                                                  recruiter):
    store.create_position(admin, "Night concierge")
    at = app_as(store, recruiter, "ui/pages/candidates.py")
    at.text_input(key=Keys.NEW_CAND_NAME).input("Jo <b>Bloggs</b>")
    at.selectbox(key=Keys.NEW_CAND_POSITION).select_index(0)
    at.button(key=Keys.NEW_CAND_SUBMIT).click().run()
    assert not at.exception
    assert [c.name for c in store.list_candidates(admin)] == ["Jo <b>Bloggs</b>"]
    assert [s.value for s in at.success] == [md_escape("Added candidate Jo <b>Bloggs</b> to the position Night concierge.")]
    assert _told_browser_empty(at.text_input(key=Keys.NEW_CAND_NAME))
    assert _told_browser_empty(at.text_input(key=Keys.NEW_CAND_EMAIL))
    at.button(key=Keys.NEW_CAND_SUBMIT).click().run()
    assert not at.exception and len(store.list_candidates(admin)) == 1
    assert not at.success and "needs a name" in at.error[0].value


def test_a_recruiter_adding_a_position_gets_an_empty_form_back_and_a_second_click_adds_nothing(store, recruiter):
    at = app_as(store, recruiter, "ui/pages/candidates.py")
    at.text_input(key=Keys.NEW_POS_NAME).input("Night concierge")
    at.text_area(key=Keys.NEW_POS_DESC).input("Evenings")
    at.button(key=Keys.NEW_POS_SUBMIT).click().run()
    assert not at.exception and [p.name for p in store.list_positions()] == ["Night concierge"]
    assert [s.value for s in at.success] == [md_escape("Added the position Night concierge.")]
    assert _told_browser_empty(at.text_input(key=Keys.NEW_POS_NAME))
    assert _told_browser_empty(at.text_area(key=Keys.NEW_POS_DESC))
    at.button(key=Keys.NEW_POS_SUBMIT).click().run()
    assert not at.exception and len(store.list_positions()) == 1


def test_an_admin_adding_an_account_gets_an_empty_form_back(store, admin):
    at = app_as(store, admin, "ui/pages/users.py")
    at.text_input(key=Keys.USR_NEW_NAME).input("newcomer")
    at.text_input(key=Keys.USR_NEW_PASSWORD).input(PASSWORD)
    at.button(key=Keys.USR_NEW_SUBMIT).click().run()
    assert not at.exception and store.find_user("newcomer")
    assert _told_browser_empty(at.text_input(key=Keys.USR_NEW_NAME))
    assert _told_browser_empty(at.text_input(key=Keys.USR_NEW_PASSWORD))


def test_a_question_a_colleague_left_unrated_reads_as_a_dash_in_the_panel_not_none(store, admin, interviewer,
                                                                                      candidate, kit):
    from tests.builders import submitted_interview
    from ui.render import EMPTY_CELL

    olga = make_user(store, "olga", "interviewer")
    first = store.start_interview(olga, candidate.id, kit)
    store.save_rating(olga, first, kit.questions[0].id, 2)
    store.submit_interview(olga, first, accept_gaps=True)
    mine = submitted_interview(store, interviewer, candidate.id, kit, rating=4)
    at = app_as(store, interviewer, "ui/pages/interview.py", {"interview": str(mine)})
    assert not at.exception
    panel = at.dataframe[0]
    assert panel.value["olga"].isna().sum() == len(kit.questions) - 1  # the cells Streamlit would print as "None"
    assert panel.proto.placeholder == EMPTY_CELL == "—"
