"""Privacy (HR and administrators): subject access, erasure on request, retention per position."""

import streamlit as st

from analysis.privacy import subject_access_zip
from data.records import LIMITS
from data.store import ERASURE_REASONS, MAX_RETENTION_DAYS
from ui import backups, refusal
from ui.navigation import open_page
from ui.render import md_escape, plural
from ui.state import Keys, flash, reset, show_flash

user, _, store = open_page(__file__)

st.title("Privacy")
show_flash()

st.header("A candidate's data")
search = st.text_input("Find the candidate (name or email)", key=Keys.PRV_SEARCH, max_chars=LIMITS["search"])
found = {c.id: c for c in store.list_candidates(user, search=search, limit=50)}
if not found:
    st.info("No candidate matches." if search else "No candidates yet.")
else:
    cid = st.selectbox("Candidate", list(found), key=Keys.PRV_CANDIDATE,
                       format_func=lambda i: f"{found[i].name} · {found[i].position_name} · id {i}")
    cand = found[cid]

    def _subject_access() -> bytes:  # built and logged when the button is clicked
        return subject_access_zip(user, store.subject_access(user, cid))

    st.subheader("Subject access")
    st.write("Everything Motive holds on this candidate: record, self-identification, interviews, answers, "
             "ratings, notes, recommendations, model labels, reviews and the audit entries about them.")
    st.download_button("Download everything held (JSON and Excel, zipped)", _subject_access,
                       file_name=f"motive-candidate-{cid}.zip", mime="application/zip", key=Keys.PRV_SAR,
                       type="primary")

    st.subheader("Erase on request")
    st.write(f"Erasure deletes **{md_escape(cand.name)}** and every answer, rating, note, label and review about "
             "them. It cannot be undone. The audit log keeps a tombstone with counts only.")
    reason = st.selectbox("Reason", ERASURE_REASONS, key=Keys.PRV_REASON)
    confirm = st.text_input(f"Type the candidate id ({cid}) to confirm", key=Keys.PRV_CONFIRM, max_chars=20)
    if st.button("Erase this candidate", key=Keys.PRV_ERASE, disabled=confirm.strip() != str(cid)):
        with refusal.shown():
            result = store.erase_candidate(user, cid, reason)
            message = (f"Erased candidate {cid}: {plural(result.interviews, 'interview')}, "
                       f"{plural(result.answers, 'answer')}, {plural(result.labels, 'label')}, "
                       f"{plural(result.reviews, 'review')}.")
            if result.models_to_retrain:
                message += (" Retrained models " + ", ".join(result.models_to_retrain) + " learnt from this "
                            "candidate's reviewed answers: retrain on the Model page and retire them.")
            flash(message + backups.erasure_note(result))
            reset(Keys.PRV_CONFIRM, Keys.PRV_CANDIDATE)
            st.rerun()
backups.section(user, store)  # ui/backups.py: the copies of the database, and emptying its write-ahead log
st.header("Retention")
st.write("Candidates not hired are anonymised once the position's retention period has passed since their last "
         "activity: name, e-mail and every typed text go; ratings, recommendations and labels stay for statistics. "
         "This runs when the app starts, every six hours, and from `python -m data.retention`.")
positions = {p.id: p for p in store.list_positions()}
if not positions:
    st.info("No positions yet.")
    st.stop()
days_now = store.retention_days()
pid = st.selectbox("Position", list(positions), key=Keys.PRV_RET_POSITION,
                   format_func=lambda i: f"{positions[i].name} · "
                                         + (f"{days_now[i]} days" if days_now.get(i) else "kept until erased"))
keep = st.checkbox("Keep candidates until erased by hand", value=days_now.get(pid) is None,
                   key=f"{Keys.PRV_RET_KEEP}.{pid}")
days = None
if not keep:
    days = st.number_input("Anonymise after (days)", min_value=1, max_value=MAX_RETENTION_DAYS, step=1,
                           value=days_now.get(pid) or 365, key=f"{Keys.PRV_RET_DAYS}.{pid}")
if st.button("Save retention", key=Keys.PRV_RET_SAVE):
    with refusal.shown():
        store.set_retention(user, pid, None if keep else int(days))
        flash(f"Retention for {md_escape(positions[pid].name)} saved.")
        st.rerun()

preview, run = st.columns(2)
if preview.button("Preview a retention pass", key=Keys.PRV_RET_PREVIEW):
    due = store.apply_retention(user, dry_run=True)
    if not due.total:
        st.info("Nothing is due for anonymisation.")
    for p_id, ids in due.anonymised.items():
        st.write(f"{md_escape(positions[p_id].name)}: {plural(len(ids), 'candidate')} due (ids {', '.join(map(str, ids))}).")
if run.button("Run retention now", key=Keys.PRV_RET_RUN):
    done = store.apply_retention(user)
    flash(f"Retention pass done: {plural(done.total, 'candidate')} anonymised.")
    st.rerun()
