"""Session-state keys (one constants class), and typed accessors.

Session state holds ids and in-progress values only; what matters is in the
database the moment it is typed.
"""

from __future__ import annotations

import hashlib
from typing import Any

import streamlit as st


class Keys:
    SESSION_TOKEN = "motive.session_token"
    PENDING_COOKIE = "motive.pending_cookie"
    CLEAR_COOKIE = "motive.clear_cookie"
    FLASH = "motive.flash"
    PENDING_SAVES = "motive.pending_saves"
    SERVER_SESSION = "motive.server_session"  # a token per server session, so a field can tell a restart
    CLEARS = "motive.clears"  # {widget key: empty value} to put into those widgets at the next run (clear())

    # sign-in and set-up forms
    SIGNIN_USER = "signin.username"
    SIGNIN_PASSWORD = "signin.password"
    SIGNIN_SUBMIT = "signin.submit"
    SETUP_USER = "setup.username"
    SETUP_PASSWORD = "setup.password"
    SETUP_REPEAT = "setup.repeat"
    SETUP_SUBMIT = "setup.submit"
    SIGN_OUT = "nav.sign_out"

    # candidates page
    CAND_POSITION_FILTER = "candidates.position_filter"
    CAND_SEARCH = "candidates.search"
    CAND_PICK = "candidates.pick"
    CAND_KIT = "candidates.kit"
    CAND_START = "candidates.start"
    CAND_PROFILE = "candidates.profile"
    NEW_CAND_NAME = "candidates.new.name"
    NEW_CAND_EMAIL = "candidates.new.email"
    NEW_CAND_POSITION = "candidates.new.position"
    NEW_CAND_SUBMIT = "candidates.new.submit"
    NEW_POS_NAME = "positions.new.name"
    NEW_POS_DESC = "positions.new.description"
    NEW_POS_SUBMIT = "positions.new.submit"
    NEW_CAND_SAME_OK = "candidates.new.same_name_ok"
    NEW_CAND_ASKED = "candidates.new.asked"  # the name a same-name warning was shown for
    NEW_CAND_DONE = "candidates.new.done"  # what the form just added, shown beside it (flash slot)
    NEW_POS_DONE = "positions.new.done"
    CAND_STAGES = "candidates.stages"
    CAND_ORDER = "candidates.order"
    CAND_PAGE = "candidates.page"
    CAND_FILTERS_SEEN = "candidates.filters_seen"
    @staticmethod
    def stage_move(candidate_id: int, stage: str) -> str:
        """The candidate page's move controls, for a candidate in a stage."""
        return f"candidate.move.{candidate_id}.{stage}"

    MOVE_WHO = "candidates.move.who"
    MOVE_ALL = "candidates.move.all"
    MOVE_STAGE = "candidates.move.stage"
    MOVE_REASON = "candidates.move.reason"
    MOVE_NOTE = "candidates.move.note"
    MOVE_SUBMIT = "candidates.move.submit"
    EDIT_POS = "positions.edit.pick"
    EDIT_POS_NAME = "positions.edit.name"
    EDIT_POS_DESC = "positions.edit.description"
    EDIT_POS_SAVE = "positions.edit.save"
    EDIT_POS_TOGGLE = "positions.edit.toggle_open"
    EDIT_CAND = "candidates.edit.pick"
    EDIT_CAND_NAME = "candidates.edit.name"
    EDIT_CAND_EMAIL = "candidates.edit.email"
    EDIT_CAND_SAVE = "candidates.edit.save"

    # import and reports pages
    IMP_FILE = "import.file"  # the uploader's key is this plus the round (imp_file): a new round, an empty uploader
    IMP_ROUND = "import.round"  # how many imports this session has made
    IMP_DONE = "import.done"  # the last import's rows and what became of each, shown until the next upload
    IMP_SUBMIT = "import.submit"
    IMP_TABLE = "import.table"  # (file name, data.importer.Table): the upload read once, not on every rerun
    REP_SCOPE = "reports.scope"
    REP_POSITION = "reports.position"
    REP_SEARCH = "reports.search"
    REP_CANDIDATE = "reports.candidate"
    REP_POSITIONS = "reports.positions"
    REP_STATUS = "reports.status"
    REP_ADDED = "reports.added"

    # trust pages: audit log, privacy, fairness
    AUD_ACTION = "audit.action"
    AUD_ACTOR = "audit.actor"
    AUD_ENTITY = "audit.entity"
    AUD_ENTITY_ID = "audit.entity_id"
    AUD_SINCE = "audit.since"
    AUD_UNTIL = "audit.until"
    AUD_PAGE = "audit.page"
    AUD_CSV = "audit.csv"
    AUD_XLSX = "audit.xlsx"
    AUD_VERIFY = "audit.verify"
    AUD_ROUTINE = "audit.routine"  # the toggle that shows routine sign-ins and sign-outs, hidden by default
    PRV_SEARCH = "privacy.search"
    PRV_CANDIDATE = "privacy.candidate"
    PRV_SAR = "privacy.sar"
    PRV_SAR_JSON = "privacy.sar_json"
    PRV_SAR_XLSX = "privacy.sar_xlsx"
    PRV_REASON = "privacy.reason"
    PRV_CONFIRM = "privacy.confirm"
    PRV_ERASE = "privacy.erase"
    PRV_RET_POSITION = "privacy.retention_position"
    PRV_RET_KEEP = "privacy.retention_keep"
    PRV_RET_DAYS = "privacy.retention_days"
    PRV_RET_SAVE = "privacy.retention_save"
    PRV_RET_PREVIEW = "privacy.retention_preview"
    PRV_RET_RUN = "privacy.retention_run"
    PRV_EMPTY_WAL = "privacy.backups_empty_wal"
    PRV_RET_DUE = "privacy.retention_due"  # the candidate ids the last dry run listed: the pass runs on these
    FAIR_POSITION = "fairness.position"
    FAIR_SEARCH = "fairness.search"
    FAIR_CANDIDATE = "fairness.candidate"
    FAIR_SEX = "fairness.sex"
    FAIR_RACE = "fairness.race"
    FAIR_SAVE = "fairness.save"
    USR_EMAIL = "users.email"
    USR_EMAIL_SUBMIT = "users.email_submit"
    SSO_SIGN_IN = "sso.sign_in"
    SSO_SETUP_USER = "sso.setup_user"
    SSO_SETUP_SUBMIT = "sso.setup_submit"
    SSO_LOGGED = "sso.logged"
    SSO_REFUSED = "sso.refused"

    # model page
    MOD_TRAIN = "model.train"
    MOD_ROLLBACK = "model.rollback"

    @staticmethod
    def mod_accept(version: str) -> str:
        return f"model.accept.{version}"

    @staticmethod
    def mod_accept_anyway(version: str) -> str:
        """The second confirmation Accept asks for when a candidate's held-out answers are too few."""
        return f"model.accept_anyway.{version}"

    @staticmethod
    def mod_discard(version: str) -> str:
        return f"model.discard.{version}"

    # home page: the interviewer's assigned queue
    HOME_KIT = "home.kit"

    # assignments page
    ASG_POSITION = "assignments.position"
    ASG_CANDIDATE = "assignments.candidate"
    ASG_INTERVIEWERS = "assignments.interviewers"
    ASG_KIT = "assignments.kit"
    ASG_SUBMIT = "assignments.submit"
    ASG_UNASSIGN_PICK = "assignments.unassign_pick"
    ASG_UNASSIGN = "assignments.unassign"
    ASG_REOPEN_PICK = "assignments.reopen_pick"
    ASG_REOPEN_REASON = "assignments.reopen_reason"
    ASG_REOPEN_CONFIRM = "assignments.reopen_confirm"
    ASG_REOPEN = "assignments.reopen"

    # compare page
    CMP_POSITION = "compare.position"
    CMP_STATUS = "compare.status"
    CMP_INTERVIEWER = "compare.interviewer"
    CMP_DATES = "compare.dates"
    CMP_PICK = "compare.pick"
    CMP_RESET = "compare.reset"
    CMP_FILTERS_OF = "compare.filters_of"  # the position the filters were drawn for: another one resets them

    # candidate page: containers, named so the print layout (ui/print.css) can find them by class (st-key-...)
    CAN_SCREEN_ONLY = "candidate-screen-only"

    # interview page
    IV_QUESTION = "interview.question"
    IV_PREV = "interview.prev"
    IV_NEXT = "interview.next"
    IV_RECOMMENDATION = "interview.recommendation"
    IV_REC_NOTE = "interview.recommendation_note"
    IV_ACCEPT_GAPS = "interview.accept_gaps"
    IV_CONFIRM_SUBMIT = "interview.confirm_submit"
    IV_SUBMIT = "interview.submit"
    IV_WITHDRAW_REASON = "interview.withdraw_reason"
    IV_WITHDRAW_CONFIRM = "interview.withdraw_confirm"
    IV_WITHDRAW = "interview.withdraw"

    # users page
    USR_NEW_NAME = "users.new.name"
    USR_NEW_ROLE = "users.new.role"
    USR_NEW_PASSWORD = "users.new.password"
    USR_NEW_SUBMIT = "users.new.submit"
    USR_PICK = "users.pick"
    USR_ROLE = "users.role"
    USR_ROLE_SUBMIT = "users.role.submit"
    USR_TOGGLE_ACTIVE = "users.toggle_active"
    USR_UNPAUSE = "users.unpause"
    USR_RESET_PASSWORD = "users.reset.password"
    USR_RESET_SUBMIT = "users.reset.submit"

    # account page
    ACC_OLD = "account.old"
    ACC_NEW = "account.new"
    ACC_REPEAT = "account.repeat"
    ACC_SUBMIT = "account.submit"

    @staticmethod
    def start_assigned(assignment_id: int) -> str:
        """The Home button that starts (or resumes) one assigned interview."""
        return f"home.start.{assignment_id}"

    @staticmethod
    def answer(interview_id: int, question_id: str, field: str) -> str:
        return f"interview.{interview_id}.{question_id}.{field}"

    @staticmethod
    def rating(interview_id: int, question_id: str) -> str:
        return f"interview.{interview_id}.{question_id}.rating"

    @staticmethod
    def review(interview_id: int, question_id: str) -> str:
        return f"interview.{interview_id}.{question_id}.review"

    @staticmethod
    def scorecard(n: int) -> str:
        """The candidate page's n-th scorecard (from 0); ui/print.css starts each one after the first on a new page."""
        return f"candidate-scorecard-{n}"

    @staticmethod
    def saved(widget_key: str) -> str:
        return f"saved::{widget_key}"

    @staticmethod
    def failed(widget_key: str) -> str:
        return f"failed::{widget_key}"

    @staticmethod
    def base(widget_key: str) -> str:
        """The field's text as this tab last had it from the server: what its next save is based on."""
        return f"base::{widget_key}"

    @staticmethod
    def conflict(widget_key: str) -> str:
        """{"mine", "theirs"}: a save this tab made over a newer text from another device, not applied."""
        return f"conflict::{widget_key}"

    @staticmethod
    def replace(widget_key: str) -> str:
        """{"n", "text"}: text the page puts into the browser's field over what is typed there (a resolved conflict)."""
        return f"replace::{widget_key}"

    @staticmethod
    def imp_file(round_: int) -> str:
        """The Import page's uploader in its n-th round: after an import the next round starts with no file."""
        return f"{Keys.IMP_FILE}.{round_}"

    @staticmethod
    def rep_download(file_name: str) -> str:
        """The report's download button, one per scope (its file name), so no other scope's button stays."""
        return f"reports.download.{file_name}"

    @staticmethod
    def box(field_key: str) -> str:
        """The browser component behind a typed field (hashed: Streamlit refuses "__" in a component key)."""
        return "box." + hashlib.sha256(field_key.encode()).hexdigest()[:24]

    @staticmethod
    def synced(field_key: str) -> str:
        """The text of the field last handed to a save (so a change made only in session state is saved too)."""
        return f"synced::{field_key}"

    @staticmethod
    def answered(field_key: str) -> str:
        """The number of the browser's last send that this server session has processed."""
        return f"answered::{field_key}"


def get(key: str, default: Any = None) -> Any:
    return st.session_state.get(key, default)


def put(key: str, value: Any) -> None:
    st.session_state[key] = value


def pop(key: str, default: Any = None) -> Any:
    return st.session_state.pop(key, default)


def flash(message: str, slot: str = Keys.FLASH) -> None:
    """A one-time success message shown after the next rerun (`slot`: where show_flash(slot) puts it)."""
    st.session_state[slot] = message


def show_flash(slot: str = Keys.FLASH) -> None:
    message = st.session_state.pop(slot, None)
    if message:
        st.success(message)


def reset(*keys: str) -> None:
    """Forget widget values before the widgets are drawn in this run, so they come back at their defaults.

    After a save, when the widgets were already drawn, use clear(): the browser keeps showing what it
    was sent last, and sends it back with the next click.
    """
    for key in keys:
        st.session_state.pop(key, None)


def _empty(value: Any) -> Any:
    if isinstance(value, bool):
        return False
    if isinstance(value, str):
        return ""
    if isinstance(value, (list, tuple)):
        return []
    return None  # a selectbox drawn with index=None, or a value that was never a widget's


def clear(*keys: str) -> None:
    """After a successful save: empty these widgets at the next run, in the browser as well as here.

    Forgetting a drawn widget's value is not enough: the browser still shows what was typed and sends
    it back with the next click, so a second click would save it a second time. A value put into
    session state before its widget is drawn is one Streamlit hands to the browser; `apply_clears()`,
    which every page runs first (ui.navigation.open_page), does that.
    """
    pending = dict(st.session_state.get(Keys.CLEARS) or {})
    for key in keys:
        pending[key] = _empty(st.session_state.get(key))
    st.session_state[Keys.CLEARS] = pending


def apply_clears() -> None:
    for key, value in (st.session_state.pop(Keys.CLEARS, None) or {}).items():
        st.session_state[key] = value
