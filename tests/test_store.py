import threading

import pytest
from sqlalchemy import event, func, insert, select, text
from sqlalchemy.exc import IntegrityError

from data.errors import AccessDenied, ConflictError, NotFoundError, StoreError, StoreUnavailable, ValidationError
from data.records import LIMITS
from data.schema import interviews, kit_versions, positions
from data.settings import Settings
from data.store import Store, utcnow
from tests.conftest import make_user


def test_sqlite_runs_in_wal_mode_with_foreign_keys(store, backend):
    if backend != "sqlite":
        pytest.skip("SQLite's journal mode")
    with store.reading() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_write_transactions_begin_immediate(store, backend):
    if backend != "sqlite":
        pytest.skip("PostgreSQL takes row locks as it writes; BEGIN IMMEDIATE is SQLite's")
    seen = []

    @event.listens_for(store.engine, "before_cursor_execute")
    def spy(conn, cursor, statement, *args):
        seen.append(statement)

    with store.atomic() as conn:
        conn.execute(text("SELECT 1"))
    with store.reading() as conn:
        conn.execute(text("SELECT 1"))
    assert "BEGIN IMMEDIATE" in seen and "BEGIN DEFERRED" in seen


def test_saved_field_is_there_after_reopening_the_database(settings, store, interviewer, candidate, kit):
    iid = store.start_interview(interviewer, candidate.id, kit)
    store.save_answer_field(interviewer, iid, "extra-mile", "why", "She reminded me of my gran.")
    store.dispose()
    reopened = Store(settings)
    assert reopened.sheet(interviewer, iid).answers["extra-mile"].why == "She reminded me of my gran."


def test_each_save_bumps_the_revision(store, interviewer, candidate, kit):
    iid = store.start_interview(interviewer, candidate.id, kit)
    a1 = store.save_answer_field(interviewer, iid, "extra-mile", "story", "one")
    a2 = store.save_answer_field(interviewer, iid, "extra-mile", "story", "two")
    assert (a1.revision, a2.revision) == (1, 2)


def test_starting_twice_resumes_the_same_interview(store, interviewer, candidate, kit):
    assert store.start_interview(interviewer, candidate.id, kit) == store.start_interview(interviewer, candidate.id, kit)


def test_two_interviewers_of_one_candidate_keep_separate_answers(store, admin, interviewer, candidate, kit):
    other = make_user(store, "olga", "interviewer")
    a = store.start_interview(interviewer, candidate.id, kit)
    b = store.start_interview(other, candidate.id, kit)
    store.save_answer_field(interviewer, a, "extra-mile", "why", "ivan's note")
    store.save_answer_field(other, b, "extra-mile", "why", "olga's note")
    assert store.sheet(interviewer, a).answers["extra-mile"].why == "ivan's note"
    assert store.sheet(other, b).answers["extra-mile"].why == "olga's note"


def test_concurrent_savers_lose_nothing(store, admin, kit):
    """Eight interviewers saving at once: every last value lands, none raises 'database is locked'."""
    position = store.create_position(admin, "Concurrency")
    team = [make_user(store, f"iv{i}", "interviewer") for i in range(8)]
    plans = []
    for i, user in enumerate(team):
        cand = store.add_candidate(admin, position.id, f"Cand {i}")
        plans.append((user, store.start_interview(user, cand.id, kit)))
    errors = []

    def work(user, iid):
        try:
            for n in range(25):
                for q in kit.questions[:3]:
                    store.save_answer_field(user, iid, q.id, "story", f"{user.username}-{q.id}-{n}")
        except Exception as exc:  # noqa: BLE001 - any failure is the finding
            errors.append(exc)

    threads = [threading.Thread(target=work, args=p) for p in plans]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert not errors
    for user, iid in plans:
        sheet = store.sheet(user, iid)
        for q in kit.questions[:3]:
            assert sheet.answers[q.id].story == f"{user.username}-{q.id}-24"
            assert sheet.answers[q.id].revision == 25


def test_submitted_interview_is_read_only(store, interviewer, candidate, kit):
    iid = store.start_interview(interviewer, candidate.id, kit)
    store.save_answer_field(interviewer, iid, "extra-mile", "story", "kept")
    store.submit_interview(interviewer, iid, accept_gaps=True)
    with pytest.raises(ConflictError, match="read-only"):
        store.save_answer_field(interviewer, iid, "extra-mile", "story", "changed")
    with pytest.raises(ConflictError):
        store.save_rating(interviewer, iid, "extra-mile", 5)
    assert store.sheet(interviewer, iid).answers["extra-mile"].story == "kept"


def test_submit_with_gaps_is_refused_unless_accepted_and_loses_nothing(store, interviewer, candidate, kit):
    iid = store.start_interview(interviewer, candidate.id, kit)
    store.save_answer_field(interviewer, iid, "extra-mile", "story", "half an answer")
    with pytest.raises(ValidationError, match="Q1 Going out of your way: no why, no feeling, no rating"):
        store.submit_interview(interviewer, iid)
    assert store.get_interview(interviewer, iid).status == "in_progress"
    flagged = store.submit_interview(interviewer, iid, accept_gaps=True)
    assert "no overall recommendation" in flagged
    assert store.sheet(interviewer, iid).answers["extra-mile"].story == "half an answer"


def test_complete_interview_submits_without_gaps(store, interviewer, candidate, kit):
    iid = store.start_interview(interviewer, candidate.id, kit)
    for q in kit.questions:
        for field in ("story", "why", "feeling"):
            store.save_answer_field(interviewer, iid, q.id, field, f"{field} text")
        store.save_rating(interviewer, iid, q.id, 4)
    store.save_recommendation(interviewer, iid, "yes", "solid")
    assert store.submit_interview(interviewer, iid) == ()
    assert store.get_interview(interviewer, iid).submitted


def test_other_interviewer_cannot_write_or_see_an_interview(store, interviewer, candidate, kit):
    iid = store.start_interview(interviewer, candidate.id, kit)
    other = make_user(store, "olga", "interviewer")
    with pytest.raises(NotFoundError):
        store.sheet(other, iid)
    with pytest.raises(NotFoundError):
        store.get_interview(other, iid)
    with pytest.raises(NotFoundError):  # not AccessDenied: that would tell them the interview exists
        store.save_answer_field(other, iid, "extra-mile", "why", "x")


@pytest.mark.parametrize("role", ["recruiter", "hr"])
def test_reviewing_roles_can_read_but_never_write_interviews(store, interviewer, candidate, kit, role):
    iid = store.start_interview(interviewer, candidate.id, kit)
    reviewer = make_user(store, f"r-{role}", role)
    assert store.sheet(reviewer, iid).interview.id == iid
    with pytest.raises(AccessDenied):
        store.save_answer_field(reviewer, iid, "extra-mile", "why", "x")
    with pytest.raises(AccessDenied):
        store.start_interview(reviewer, candidate.id, kit)


def test_too_long_text_is_refused_and_the_saved_text_kept(store, interviewer, candidate, kit):
    iid = store.start_interview(interviewer, candidate.id, kit)
    store.save_answer_field(interviewer, iid, "extra-mile", "why", "short and saved")
    with pytest.raises(ValidationError, match="limit is 5,000"):
        store.save_answer_field(interviewer, iid, "extra-mile", "why", "x" * (LIMITS["why"] + 1))
    assert store.sheet(interviewer, iid).answers["extra-mile"].why == "short and saved"


def test_hostile_text_is_stored_verbatim_except_nul(store, interviewer, candidate, kit):
    iid = store.start_interview(interviewer, candidate.id, kit)
    nasty = "=HYPERLINK(\"x\")'; DROP TABLE answers; -- <script>alert(1)</script> שלום 🙂\x00end"
    store.save_answer_field(interviewer, iid, "extra-mile", "notes", nasty)
    assert store.sheet(interviewer, iid).answers["extra-mile"].notes == nasty.replace("\x00", "")


def test_unknown_field_and_question_are_refused(store, interviewer, candidate, kit):
    iid = store.start_interview(interviewer, candidate.id, kit)
    with pytest.raises(ValidationError, match="Unknown answer field"):
        store.save_answer_field(interviewer, iid, "extra-mile", "password", "x")
    with pytest.raises(NotFoundError, match="not part of interview"):
        store.save_answer_field(interviewer, iid, "no-such-question", "why", "x")
    with pytest.raises(ValidationError, match="1 to 5"):
        store.save_rating(interviewer, iid, "extra-mile", 6)


def test_interview_keeps_its_kit_when_the_kit_file_changes(store, interviewer, candidate, kit):
    iid = store.start_interview(interviewer, candidate.id, kit)
    from rubric import load_kit_text

    edited = load_kit_text(kit.source.replace("Going out of your way", "Renamed question"), "edited")
    store.register_kit(edited)
    stored = store.kit_for_version(store.get_interview(interviewer, iid).kit_version_id)
    assert stored.question("extra-mile").title == "Going out of your way"


def test_duplicate_email_for_a_position_is_refused(store, admin, candidate):
    with pytest.raises(ValidationError, match="already applied"):
        store.add_candidate(admin, candidate.position_id, "Someone Else", "MAYA@example.com")


@pytest.mark.parametrize("email", ["not-an-email", "a@b", "x@y.z", "<a@b.com>"])
def test_malformed_email_is_refused(store, admin, candidate, email):
    with pytest.raises(ValidationError, match="not a valid email"):
        store.add_candidate(admin, candidate.position_id, "X", email)


def test_candidate_search_treats_wildcards_literally(store, admin, candidate):
    store.add_candidate(admin, candidate.position_id, "100% Real", None)
    assert [c.name for c in store.list_candidates(admin, search="%")] == ["100% Real"]
    assert store.list_candidates(admin, search="_") == []


def test_missing_records_raise_not_found(store, admin):
    with pytest.raises(NotFoundError):
        store.get_candidate(admin, 999)
    with pytest.raises(NotFoundError):
        store.get_position(999)


# -- transactions: nesting, and a database that does not answer ------------------------------------

def commits_of(store):
    """The COMMITs the store's engine issues from now on."""
    seen = []
    event.listen(store.engine, "commit", lambda conn: seen.append(conn))
    return seen


def position_names(store):
    return {p.name for p in store.list_positions()}


def test_nested_atomic_joins_the_outer_transaction_and_commits_once(store, admin):
    commits = commits_of(store)
    with store.atomic() as outer:
        store.create_position(admin, "Night desk")
        with store.atomic() as inner:
            assert inner is outer
            store.create_position(admin, "Day desk")
        assert {"Night desk", "Day desk"} <= position_names(store)  # reads inside see the writes
    assert len(commits) == 1
    assert {"Night desk", "Day desk"} <= position_names(store)


def test_an_error_in_the_inner_block_rolls_back_the_outer_writes_too(store, admin):
    before = store.audit_entries(admin)[1]
    with pytest.raises(NotFoundError):
        with store.atomic():
            store.create_position(admin, "Night desk")
            store.add_candidate(admin, 999_999, "Nobody")  # its own atomic() fails: no such position
    assert "Night desk" not in position_names(store)
    assert store.audit_entries(admin)[1] == before


def test_an_inner_failure_caught_inside_rolls_back_only_the_inner_block(store, admin):
    with store.atomic():
        store.create_position(admin, "Kept")
        with pytest.raises(IntegrityError):  # a database error: PostgreSQL aborts all but a savepoint
            with store.atomic() as conn:
                conn.execute(insert(positions).values(name="Dropped", description="", created_at=utcnow()))
                conn.execute(insert(positions).values(name="Kept", description="", created_at=utcnow()))
        store.create_position(admin, "Also kept")
    names = position_names(store)
    assert {"Kept", "Also kept"} <= names and "Dropped" not in names


def test_a_failed_start_leaves_neither_the_kit_nor_the_interview_behind(store, interviewer, candidate, kit,
                                                                          monkeypatch):
    def refuse(*args, **kwargs):
        raise ConflictError("the audit entry could not be written")

    monkeypatch.setattr(store, "_audit", refuse)
    with pytest.raises(ConflictError):
        store.start_interview(interviewer, candidate.id, kit)
    with store.reading() as conn:
        assert conn.execute(select(func.count()).select_from(kit_versions)).scalar_one() == 0
        assert conn.execute(select(func.count()).select_from(interviews)).scalar_one() == 0


def test_a_submit_reads_its_gaps_in_the_transaction_that_submits(store, interviewer, candidate, kit):
    iid = store.start_interview(interviewer, candidate.id, kit)
    commits = commits_of(store)
    assert store.submit_interview(interviewer, iid, accept_gaps=True)
    assert len(commits) == 1 and store.sheet(interviewer, iid).interview.submitted


def unreachable(backend, tmp_path):
    if backend == "sqlite":
        return f"sqlite:///{tmp_path}"  # a directory: SQLite cannot open it
    return "postgresql+psycopg://motive:motive@127.0.0.1:9/motive_test?connect_timeout=3"  # nothing listens


def test_an_unreachable_database_raises_the_stores_own_error(backend, tmp_path):
    settings = Settings.from_env({"MOTIVE_DATABASE_URL": unreachable(backend, tmp_path)})
    said = "cannot open its database file" if backend == "sqlite" else "not reachable; try again"
    with pytest.raises(StoreUnavailable, match=said) as raised:
        Store(settings)
    assert isinstance(raised.value, StoreError) and raised.value.__cause__ is not None
    store = Store(settings, upgrade=False)
    with pytest.raises(StoreUnavailable):
        store.list_positions()
    with pytest.raises(StoreUnavailable):
        with store.atomic():
            pass
    store.dispose()


# -- every write re-checks who is writing --------------------------------------------------------

def _signed_in(store, name):
    """A person as a page holds them: read through a real sign-in session."""
    token = store.create_session(store.find_user(name))
    return token, store.user_for_session(token)


@pytest.mark.parametrize("revoke", ["signed out", "password reset", "deactivated", "demoted"])
def test_a_page_left_open_cannot_write_once_its_sign_in_or_account_changed(store, admin, interviewer, candidate,
                                                                           kit, revoke):
    from data.errors import AuthError

    token, ivan = _signed_in(store, "ivan")
    iid = store.start_interview(ivan, candidate.id, kit)
    q = kit.questions[0].id
    store.save_answer_field(ivan, iid, q, "why", "Before anything changed.")
    if revoke == "signed out":
        store.end_session(token)
    elif revoke == "password reset":
        store.reset_password(admin, interviewer.id, "another long password")
    elif revoke == "deactivated":
        store.set_active(admin, interviewer.id, False)
    else:
        store.set_role(admin, interviewer.id, "recruiter")
    with pytest.raises(AuthError, match="nothing was saved"):
        store.save_answer_field(ivan, iid, q, "why", "After it changed.")
    with pytest.raises(AuthError):
        store.save_rating(ivan, iid, q, 4)
    answer = store.sheet(admin, iid).answers[q]
    assert answer.why == "Before anything changed." and answer.revision == 1
    assert store.sheet(admin, iid).ratings.get(q) is None


def test_a_live_sign_in_writes_as_before(store, interviewer, candidate, kit):
    _, ivan = _signed_in(store, "ivan")
    iid = store.start_interview(ivan, candidate.id, kit)
    assert store.save_answer_field(ivan, iid, kit.questions[0].id, "story", "It still works.").revision == 1


def test_an_administrator_who_interviews_is_blind_to_the_panel_until_they_submit(store, admin, interviewer,
                                                                                  candidate, kit):
    from tests.builders import submitted_interview

    submitted_interview(store, interviewer, candidate.id, kit, rating=2)
    assert len(store.panel_for(admin, candidate.id)) == 1  # reviewing, not interviewing: sees it
    own = store.start_interview(admin, candidate.id, kit)
    with pytest.raises(AccessDenied, match="once you submit your own"):
        store.panel_for(admin, candidate.id)
    store.submit_interview(admin, own, accept_gaps=True)
    assert len(store.panel_for(admin, candidate.id)) == 1


# -- two devices on one interview -----------------------------------------------------------------

def test_a_save_based_on_replaced_text_is_not_applied_and_both_texts_are_kept(store, admin, interviewer,
                                                                               candidate, kit):
    from data.errors import EditConflict

    iid = store.start_interview(interviewer, candidate.id, kit)
    q = kit.questions[0].id
    laptop_saw = store.save_answer_field(interviewer, iid, q, "why", "Because she was alone.")
    tablet = store.save_answer_field(interviewer, iid, q, "why", "Because she was alone and scared.",
                                     base_text=laptop_saw.why, base_revision=laptop_saw.revision)
    with pytest.raises(EditConflict) as clash:  # the laptop still thinks the field holds its first text
        store.save_answer_field(interviewer, iid, q, "why", "Because my manager asked.",
                                base_text=laptop_saw.why, base_revision=laptop_saw.revision)
    assert clash.value.theirs == "Because she was alone and scared." and clash.value.mine == "Because my manager asked."
    assert store.sheet(interviewer, iid).answers[q].why == tablet.why  # never silently overwritten
    kept = store.field_history(interviewer, iid)
    assert [(v.field, v.text, v.reason) for v in kept] == [("why", "Because my manager asked.", "not applied")]

    merged = "Because she was alone and scared, and my manager asked."
    store.save_answer_field(interviewer, iid, q, "why", merged, base_text=clash.value.theirs, resolving=True)
    assert store.sheet(interviewer, iid).answers[q].why == merged
    assert [v.reason for v in store.field_history(interviewer, iid)] == ["not applied", "replaced"]
    held = store.subject_access(admin, candidate.id)["answer_history"]
    assert {h["text"] for h in held} == {"Because my manager asked.", "Because she was alone and scared."}
    store.erase_candidate(admin, candidate.id, "candidate request")
    from data.schema import answer_history
    with store.reading() as conn:
        assert conn.execute(select(func.count()).select_from(answer_history)).scalar_one() == 0


def test_saves_on_other_fields_or_of_the_same_text_are_not_conflicts(store, interviewer, candidate, kit):
    iid = store.start_interview(interviewer, candidate.id, kit)
    q = kit.questions[0].id
    first = store.save_answer_field(interviewer, iid, q, "story", "A lost parcel.")
    store.save_answer_field(interviewer, iid, q, "feeling", "Relieved.", base_text="")  # another device, other field
    store.save_answer_field(interviewer, iid, q, "story", "A lost parcel, found.", base_text=first.story)
    store.save_answer_field(interviewer, iid, q, "story", "A lost parcel, found.", base_text="stale")  # same text
    assert store.sheet(interviewer, iid).answers[q].story == "A lost parcel, found."
    assert store.field_history(interviewer, iid) == []
