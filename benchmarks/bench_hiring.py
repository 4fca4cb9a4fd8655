"""The hiring pages at size: the Candidates page over 10,000 candidates with stage filters, and a
candidate's page with 10 submitted scorecards."""

from __future__ import annotations

from pathlib import Path

from benchmarks.harness import Result, median, scratch_env, timings_ms

ROOT = Path(__file__).resolve().parent.parent


def run() -> list[Result]:
    with scratch_env(MOTIVE_PASSWORD_ROUNDS="4"):
        from streamlit.testing.v1 import AppTest

        from data.demo import generate
        from data.records import COMMAND_LINE
        from data.settings import Settings
        from data.store import Store
        from ui.state import Keys

        store = Store(Settings.from_env())
        admin = store.bootstrap_admin("bench.admin", "benchmark password")
        recruiter = store.create_user("bench.recruiter", "benchmark password", "recruiter", actor=COMMAND_LINE)
        generate(store, 10_000, seed=3)
        total = store.count_candidates(recruiter)
        assert total == 10_000, total

        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.session_state[Keys.SESSION_TOKEN] = store.create_session(recruiter)
        at.run()
        at.switch_page("ui/pages/candidates.py")
        at.run()
        assert not at.exception, at.exception
        plain = timings_ms(at.run, repeat=10, warmup=1)
        at.multiselect(key=Keys.CAND_STAGES).select("rejected").select("hired").run()
        at.selectbox(key=Keys.CAND_ORDER).set_value("name").run()
        assert not at.exception, at.exception
        shown = set(at.dataframe[0].value["Stage"])
        assert shown <= {"Rejected", "Hired"} and shown, shown
        filtered = timings_ms(at.run, repeat=10, warmup=1)
        at.number_input(key=Keys.CAND_PAGE).set_value(20).run()
        paged = timings_ms(at.run, repeat=10, warmup=1)

        # One candidate with ten full scorecards, every field typed and every question rated.
        from rubric import default_kit

        kit = default_kit()
        pos = store.create_position(admin, "Scorecard benchmark")
        person = store.add_candidate(admin, pos.id, "Ten Scorecards")
        said = ("I stayed after close to help a regular whose card was declined, because I'd hate to be "
                "stuck like that myself. " * 6).strip()
        for n in range(10):
            who = store.create_user(f"bench.iv{n}", "benchmark password", "interviewer", actor=COMMAND_LINE)
            iid = store.start_interview(who, person.id, kit)
            for q in kit.questions:
                for field in ("story", "why", "feeling", "notes"):
                    store.save_answer_field(who, iid, q.id, field, said)
                store.save_rating(who, iid, q.id, 1 + (n + len(q.id)) % 5)
            store.save_recommendation(who, iid, "yes", "Solid; would hire for the desk.")
            store.submit_interview(who, iid, accept_gaps=True)
        card = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        card.session_state[Keys.SESSION_TOKEN] = store.create_session(recruiter)
        card.query_params["candidate"] = str(person.id)
        card.run()
        card.switch_page("ui/pages/candidate.py")
        card.query_params["candidate"] = str(person.id)
        card.run()
        assert not card.exception, card.exception
        assert card.header[0].value == "Scorecards (10)", [h.value for h in card.header]
        scorecards = timings_ms(card.run, repeat=10, warmup=1)
        store.dispose()
    return [
        Result("candidates page, 10,000 candidates (median script run)", median(plain), 300, "ms"),
        Result("candidates page, 2 stages picked, sorted by name (median)", median(filtered), 300, "ms"),
        Result("candidates page, page 20 of the filtered list (median)", median(paged), 300, "ms"),
        Result("candidate page, 10 full scorecards (median script run)", median(scorecards), 300, "ms"),
    ]
