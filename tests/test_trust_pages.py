"""AppTest for the trust pages: audit log, privacy (erasure, retention, subject access) and fairness."""

from __future__ import annotations

import pytest

from data.demo import generate
from data.errors import NotFoundError
from tests.conftest import app_as, make_user
from ui.state import Keys


def test_audit_page_lists_and_filters_entries(store, admin, hr, candidate):
    at = app_as(store, hr, "ui/pages/audit.py")
    assert not at.exception
    frame = at.dataframe[0].value
    assert {"candidate.created", "position.created"} <= set(frame["Code"])
    at.selectbox(key=Keys.AUD_ACTION).set_value("candidate.created").run()
    frame = at.dataframe[0].value
    assert set(frame["Action"]) == {"Candidate added"} and list(frame["Record"]) == [f"candidate {candidate.id}: {candidate.name}"]
    at.selectbox(key=Keys.AUD_ACTOR).set_value("command line").run()
    assert at.dataframe[0].value.empty and "0 matching entries." in [m.value for m in at.markdown]
    assert at.get("download_button")  # CSV and Excel exports are offered


def test_audit_page_refuses_a_reversed_date_range(store, admin):
    import datetime as dt

    at = app_as(store, admin, "ui/pages/audit.py")
    at.date_input(key=Keys.AUD_SINCE).set_value(dt.date(2026, 5, 2))
    at.date_input(key=Keys.AUD_UNTIL).set_value(dt.date(2026, 5, 1)).run()
    assert not at.exception and "The start date is after the end date." in [e.value for e in at.error]


def test_privacy_page_aims_at_no_candidate_until_one_is_chosen(store, admin, hr, candidate):
    store.add_candidate(admin, candidate.position_id, "Newest Person")  # the list's first: once the default
    at = app_as(store, hr, "ui/pages/privacy.py")
    assert not at.exception
    assert at.selectbox(key=Keys.PRV_CANDIDATE).value is None
    assert not [b for b in at.button if b.key == Keys.PRV_ERASE] and not at.get("download_button")
    at.selectbox(key=Keys.PRV_CANDIDATE).set_value(candidate.id).run()
    assert not at.exception and at.button(key=Keys.PRV_ERASE) and at.get("download_button")


def test_privacy_page_erases_only_after_the_candidates_name_is_typed(store, admin, hr, candidate):
    store.add_candidate(admin, candidate.position_id, "Sam Poe")
    at = app_as(store, hr, "ui/pages/privacy.py")
    at.selectbox(key=Keys.PRV_CANDIDATE).set_value(candidate.id).run()
    box = at.text_input(key=Keys.PRV_CONFIRM)
    assert str(candidate.id) not in box.label and at.button(key=Keys.PRV_ERASE).disabled
    for wrong in (str(candidate.id), "Maya", "Maya Okafor Jr"):
        at.text_input(key=Keys.PRV_CONFIRM).input(wrong).run()
        assert at.button(key=Keys.PRV_ERASE).disabled, wrong
    at.text_input(key=Keys.PRV_CONFIRM).input("  maya OKAFOR ").run()
    at.button(key=Keys.PRV_ERASE).click().run()
    assert not at.exception
    with pytest.raises(NotFoundError):
        store.get_candidate(admin, candidate.id)
    assert any(f"Erased candidate {candidate.id}: 0 interviews" in s.value for s in at.success)
    assert store.audit_entries(admin, action="candidate.erased")[0][0].actor == "harriet"
    assert at.selectbox(key=Keys.PRV_CANDIDATE).value is None  # nobody is aimed at after it


def test_privacy_page_names_the_model_versions_an_erasure_deleted(store, admin, hr, candidate, model):
    from analysis.registry import ensure_active_model

    default = ensure_active_model(store)
    store.add_model_version(admin, "org-20260101-090000", model.to_bytes(), metrics={}, trained_on=[candidate.id],
                            activate=True)
    at = app_as(store, hr, "ui/pages/privacy.py")
    at.selectbox(key=Keys.PRV_CANDIDATE).set_value(candidate.id).run()
    at.text_input(key=Keys.PRV_CONFIRM).input("Maya Okafor").run()
    at.button(key=Keys.PRV_ERASE).click().run()
    message = next(s.value for s in at.success if "Erased candidate" in s.value)
    assert "Deleted 1 model version that learnt from their answers: org-20260101-090000." in message
    assert f"The active model was one of them; {default} is active now." in message


def test_privacy_page_shows_the_retention_dry_run_before_a_second_click_runs_it(store, admin, hr, candidate):
    from datetime import timedelta

    from sqlalchemy import update

    from data.schema import candidates
    from data.store import utcnow

    at = app_as(store, hr, "ui/pages/privacy.py")
    at.checkbox(key=f"{Keys.PRV_RET_KEEP}.{candidate.position_id}").uncheck().run()
    at.number_input(key=f"{Keys.PRV_RET_DAYS}.{candidate.position_id}").set_value(90).run()
    at.button(key=Keys.PRV_RET_SAVE).click().run()
    assert not at.exception and store.retention_days()[candidate.position_id] == 90
    at.button(key=Keys.PRV_RET_PREVIEW).click().run()
    assert "Nothing is due for anonymisation." in [i.value for i in at.info]
    assert not [b for b in at.button if b.key == Keys.PRV_RET_RUN]

    with store.atomic() as conn:
        conn.execute(update(candidates).where(candidates.c.id == candidate.id)
                     .values(created_at=utcnow() - timedelta(days=120)))
    at.button(key=Keys.PRV_RET_PREVIEW).click().run()
    table = at.dataframe[0].value
    assert list(table["Candidate"]) == ["Maya Okafor"] and "120 days ago" in table["Why"][0]
    assert "90 days" in table["Why"][0] and store.get_candidate(admin, candidate.id).name == "Maya Okafor"
    late = store.add_candidate(admin, candidate.position_id, "Late Comer")  # due after the preview was shown
    with store.atomic() as conn:
        conn.execute(update(candidates).where(candidates.c.id == late.id)
                     .values(created_at=utcnow() - timedelta(days=120)))
    at.button(key=Keys.PRV_RET_RUN).click().run()
    assert not at.exception
    assert "Retention pass done: 1 candidate anonymised." in [s.value for s in at.success]
    assert store.get_candidate(admin, candidate.id).name.startswith("Anonymised candidate")
    assert store.get_candidate(admin, late.id).name == "Late Comer"  # nobody the person did not see


def test_privacy_page_names_the_model_versions_a_retention_pass_deleted(store, admin, hr, candidate):
    from datetime import timedelta

    from sqlalchemy import update

    from analysis.registry import ensure_active_model
    from data.schema import candidates
    from data.store import utcnow

    ensure_active_model(store)
    store.set_retention(hr, candidate.position_id, 90)
    at = app_as(store, hr, "ui/pages/privacy.py").run()  # the app's own pass on start finds nothing yet
    store.add_model_version(admin, "org-20260101-090000", b"an artifact", metrics={}, trained_on=[candidate.id])
    with store.atomic() as conn:
        conn.execute(update(candidates).where(candidates.c.id == candidate.id)
                     .values(created_at=utcnow() - timedelta(days=120)))
    at.button(key=Keys.PRV_RET_PREVIEW).click().run()
    at.button(key=Keys.PRV_RET_RUN).click().run()
    assert not at.exception
    from ui.render import md_escape

    assert ("Retention pass done: 1 candidate anonymised. 1 model version that learnt from their answers deleted: "
            f"{md_escape('org-20260101-090000')}.") in [s.value for s in at.success]


def test_privacy_page_shows_a_hostile_candidate_and_the_dry_run_inert(store, admin, hr):
    from datetime import timedelta

    from sqlalchemy import update

    from data.schema import candidates
    from data.store import utcnow
    from tests.builders import HOSTILE
    from tests.test_hostile import assert_inert

    pos = store.create_position(admin, "[click me](javascript:alert(1)) <script>")
    cands = [store.add_candidate(admin, pos.id, t.strip() or "blank", same_name_ok=True) for t in HOSTILE]
    at = app_as(store, hr, "ui/pages/privacy.py")  # the app's own pass on start finds nothing due yet
    store.set_retention(admin, pos.id, 30)
    with store.atomic() as conn:
        conn.execute(update(candidates).values(created_at=utcnow() - timedelta(days=40)))
    at.selectbox(key=Keys.PRV_CANDIDATE).set_value(cands[0].id).run()
    at.button(key=Keys.PRV_RET_PREVIEW).click().run()
    assert len(at.dataframe[0].value) == len(cands)
    assert_inert(at, "privacy")


def test_fairness_page_shows_the_report_and_records_self_identification(store, admin, hr, kit):
    generate(store, 60, seed=5, kit=kit)
    at = app_as(store, hr, "ui/pages/fairness.py")
    assert not at.exception
    assert [s.value for s in at.subheader][:3] == [
        "Selection rate (recorded decisions)", "Recommendation rate (a second view)", "Scoring rate"]
    table = at.dataframe[0].value
    assert {"sex", "race"} <= set(table["Dimension"]) and "Female" in set(table["Group"])
    cid = at.selectbox(key=Keys.FAIR_CANDIDATE).value
    at.selectbox(key=f"{Keys.FAIR_SEX}.{cid}").set_value("female")
    at.selectbox(key=f"{Keys.FAIR_RACE}.{cid}").set_value("asian")
    at.button(key=Keys.FAIR_SAVE).click().run()
    assert not at.exception
    assert (cid, "female", "asian") in store.self_identification(hr)


def test_self_identification_never_reaches_recruiter_pages(store, admin, hr, kit):
    generate(store, 20, seed=2, kit=kit)
    recruiter = make_user(store, "rory", "recruiter")
    for page in ("ui/pages/compare.py", "ui/pages/candidates.py"):
        at = app_as(store, recruiter, page)
        assert not at.exception
        shown = " ".join(str(e.value) for e in at.markdown) + " ".join(
            str(d.value.to_dict()) for d in at.dataframe)
        for word in ("Hispanic", "Black or African", "Two or More", "self-identif"):
            assert word not in shown


SSO_SECRETS = {"auth": {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
                        "client_id": "motive", "client_secret": "s",
                        "server_metadata_url": "https://id.example.com/.well-known/openid-configuration"}}


def sso_app(email: str | None, page: str | None = None, *, script: str = "app.py"):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT

    at = AppTest.from_file(str(ROOT / script), default_timeout=30)
    at.secrets.update(SSO_SECRETS)
    at.user = {"is_logged_in": email is not None, **({"email": email} if email else {})}
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    return at


def test_single_sign_on_shows_only_the_identity_provider_button(store, admin):
    at = sso_app(None)
    assert not at.exception
    assert at.button(key=Keys.SSO_SIGN_IN) and not at.text_input  # no local password form


def test_single_sign_on_takes_the_role_from_motives_own_table(store, admin):
    ivan = make_user(store, "ivan", "interviewer")
    store.set_user_email(admin, ivan.id, "ivan@corp.example")
    at = sso_app("ivan@corp.example", "ui/pages/users.py")  # the page by its address
    assert not at.exception and any("does not give access" in e.value for e in at.error)
    at = sso_app("ivan@corp.example", "ui/pages/interview.py")
    assert not at.exception and not at.error
    signed_in = store.audit_entries(admin, action="auth.signed_in")[0]
    assert signed_in and signed_in[0].detail["method"] == "sso" and signed_in[0].actor == "ivan"


def test_single_sign_on_refuses_an_identity_without_an_account(store, admin):
    at = sso_app("stranger@corp.example")
    assert not at.exception and "No Motive account is linked" in at.error[0].value
    refused = store.audit_entries(admin, action="auth.sign_in_failed")[0][0]
    assert refused.detail["method"] == "sso"


def test_single_sign_on_makes_the_first_administrator(store):
    at = sso_app("founder@corp.example")
    at.text_input(key=Keys.SSO_SETUP_USER).input("founder")
    at.button(key=Keys.SSO_SETUP_SUBMIT).click().run()
    assert not at.exception
    made = store.user_for_email("founder@corp.example")
    assert (made.username, made.role) == ("founder", "admin")


def test_users_page_links_a_single_sign_on_email(store, admin):
    ivan = make_user(store, "ivan", "interviewer")
    at = app_as(store, admin, "ui/pages/users.py")
    at.selectbox(key=Keys.USR_PICK).set_value(ivan.id).run()
    at.text_input(key=f"{Keys.USR_EMAIL}.{ivan.id}").input("Ivan@Corp.example")
    at.button(key=Keys.USR_EMAIL_SUBMIT).click().run()
    assert not at.exception and store.user_for_email("ivan@corp.example").id == ivan.id
    at.text_input(key=f"{Keys.USR_EMAIL}.{ivan.id}").input("not an address")
    at.button(key=Keys.USR_EMAIL_SUBMIT).click().run()
    assert "not a valid email address" in at.error[0].value


def test_the_app_runs_the_retention_pass_when_it_starts(store, admin, candidate):
    from datetime import timedelta

    from sqlalchemy import update

    from data.schema import candidates
    from data.store import utcnow

    store.set_candidate_status(admin, candidate.id, "rejected")
    with store.atomic() as conn:
        conn.execute(update(candidates).values(created_at=utcnow() - timedelta(days=50),
                                               status_changed_at=utcnow() - timedelta(days=50)))
    store.set_retention(admin, candidate.position_id, 30)
    at = app_as(store, admin)
    assert not at.exception
    assert store.get_candidate(admin, candidate.id).name == f"Anonymised candidate {candidate.id}"
    assert store.audit_entries(admin, action="retention.")[0][0].actor == "system"
