"""Demo data: realistic positions, candidates and submitted interviews.

    python -m motive demo [--candidates N] [--seed S]   (or python -m data.demo)

Each run adds N candidates (default 30) and never deletes anything, so it can be
run again, or several times at once against the same database, as benchmark load.
Rows go in with bulk inserts in batches, so 10,000 candidates take seconds.
"""

from __future__ import annotations

import hashlib
import json
import random
import secrets
import sys
from datetime import timedelta

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from data.errors import StoreError
from data.fields import join_sentences
from data.records import COMMAND_LINE, RACE_CATEGORIES, SEX_CATEGORIES, User
from data.schema import (
    answers,
    candidate_self_id,
    candidates,
    interviews,
    motivation_labels,
    positions,
    ratings,
    recommendations,
    stage_history,
)
from data.stages import Outcome
from data.store import Store, utcnow
from rubric import Rubric, default_kit

POSITIONS = [
    ("Customer support agent", "Phone and chat support for a broadband provider."),
    ("Hotel front desk associate", "Check-in, concierge and guest recovery at a city hotel."),
    ("Retail sales associate", "Shop floor, fitting rooms and returns at a fashion store."),
    ("Patient liaison officer", "Front desk and patient help at an outpatient clinic."),
    ("SaaS support specialist", "Tier-2 support for a small-business accounting product."),
]
DEMO_RACES = list(RACE_CATEGORIES)
DEMO_INTERVIEWERS = ["demo.alex", "demo.bea", "demo.chen", "demo.dara"]
FIRST = ["Amara", "Ben", "Carla", "Dmitri", "Elif", "Farah", "Gus", "Hana", "Ines", "Jonas", "Kwame", "Lena",
         "Mateo", "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Sami", "Tomasz", "Uma", "Viktor", "Wen", "Yara", "Zoe"]
LAST = ["Adeyemi", "Brennan", "Castillo", "Dubois", "Eriksen", "Fischer", "Gallagher", "Haddad", "Ivanova",
        "Jensen", "Kowalski", "Lindqvist", "Moreau", "Nakamura", "O'Neill", "Petrov", "Quispe", "Rossi",
        "Santos", "Tanaka", "Umar", "Varga", "Walsh", "Xu", "Yilmaz", "Zielinski"]
CUSTOMERS = ["an elderly man", "a young mum with twins", "a nervous first-time buyer", "a tourist with little English",
             "a small-business owner", "a student", "a regular who was having a bad week", "a nurse just off a night shift"]
PROBLEMS = ["had been charged twice", "had lost a booking reference", "could not get the product to work",
            "had missed the last connection", "had been passed between three departments",
            "needed a replacement before a family event", "had been given the wrong information earlier"]
ACTIONS = ["stayed after my shift to sort it out", "called the supplier myself and arranged a swap",
           "walked them to the right department and waited with them", "set up a call-back and rang the next morning",
           "found a workaround and wrote it down for them step by step", "drove the part over on my way home"]
WHY = {
    "intrinsic": ["I could see how worried they were and I just wanted them to be alright.",
                  "Honestly it felt like the right thing to do; I'd want the same for my own family.",
                  "I love that moment when a problem finally clicks for someone.",
                  "Nobody asked me to. I would have felt terrible leaving them like that."],
    "extrinsic": ["My manager was on the floor that day and I knew she was watching.",
                  "It's in our targets: a complaint would have gone against my numbers.",
                  "We get a bonus for good survey scores, so it made sense.",
                  "Policy says we have to resolve it in one contact, so I did."],
    "mixed": ["Partly the survey score, to be honest, but mostly I felt for them.",
              "My supervisor asked me to handle it, and once I heard the story I really wanted to help."],
    "unclear": ["It was just what happened that day.", "I'd have to think about that one."],
}
FEELING = {
    "intrinsic": ["It felt really good, I went home smiling.", "Relieved for them, and proud of how it turned out."],
    "extrinsic": ["Fine. It kept my stats green.", "Good, because it went on my record as a compliment."],
    "mixed": ["Pleased on both counts: the numbers and seeing them happy.", "Good: the bonus helped, but their face was the best part."],
    "unclear": ["Normal, really.", "It was fine."],
}


def _story(rng: random.Random) -> str:
    """A short, concrete helping story."""
    return (f"A customer, {rng.choice(CUSTOMERS)}, {rng.choice(PROBLEMS)}. "
            f"I listened first, checked what they actually needed, and {rng.choice(ACTIONS)}.")


def _ensure_positions(store: Store, wanted: list[tuple[str, str]]) -> list[int]:
    ids = []
    for name, desc in wanted:
        with store.reading() as conn:
            found = conn.execute(select(positions.c.id).where(positions.c.name == name)).scalar()
        if found is None:
            try:
                with store.atomic() as conn:
                    found = conn.execute(
                        insert(positions).values(name=name, description=desc, created_at=utcnow())
                    ).inserted_primary_key[0]
            except IntegrityError:  # another demo run made it first
                with store.reading() as conn:
                    found = conn.execute(select(positions.c.id).where(positions.c.name == name)).scalar_one()
        ids.append(found)
    return ids


def _ensure_interviewers(store: Store) -> list[User]:
    out = []
    for name in DEMO_INTERVIEWERS:
        try:
            out.append(store.find_user(name))
        except StoreError:
            try:  # random password: an administrator sets a real one to use these accounts
                out.append(store.create_user(name, secrets.token_urlsafe(24), "interviewer", actor=COMMAND_LINE))
            except StoreError:
                out.append(store.find_user(name))
    return out


def _answer_pool(rng: random.Random, model, size: int = 60) -> dict[str, list[tuple[str, str, str, dict | None]]]:
    """Answers to draw from, per stated motive, each labelled by the real model once."""
    pool = {}
    for said in WHY:
        triples = [(_story(rng), rng.choice(WHY[said]), rng.choice(FEELING[said])) for _ in range(size)]
        labels: list[dict | None] = [None] * len(triples)
        if model is not None:
            preds = model.predict([join_sentences(t) for t in triples])
            labels = [{"label": p.label, "confidence": p.confidence, "probabilities": json.dumps(p.probabilities),
                       "evidence": json.dumps([e.__dict__ for e in p.evidence]), "model_version": model.version,
                       "input_sha": hashlib.sha256(f"{model.version}\n{join_sentences(t)}".encode()).hexdigest()}
                      for p, t in zip(preds, triples)]
        pool[said] = [(*t, lab) for t, lab in zip(triples, labels)]
    return pool


def generate(store: Store, n: int, *, seed: int | None = None, kit: Rubric | None = None, batch: int = 500,
             model=None, position: str | None = None) -> int:
    """Add `n` candidates with two to three submitted interviews each; returns the number of interviews.

    With a motivation `model`, every answer also gets the model's label, as if it had
    been labelled while the interview was typed.
    """
    rng = random.Random(seed)
    kit = kit or default_kit()
    pool = _answer_pool(rng, model)
    kit_version_id = store.register_kit(kit)
    position_ids = _ensure_positions(store, [(position, "Demo position.")] if position else POSITIONS)
    team = _ensure_interviewers(store)
    made = 0
    for start in range(0, n, batch):
        size = min(batch, n - start)
        now = utcnow()
        with store.atomic() as conn:
            cand_rows = []
            for _ in range(size):
                first, last = rng.choice(FIRST), rng.choice(LAST)
                tag = secrets.token_hex(3)
                cand_rows.append({
                    "position_id": rng.choice(position_ids), "name": f"{first} {last}",
                    "email": f"{first}.{last}.{tag}@example.com".lower().replace("'", ""),
                    "status": _interviewing(store),
                    "created_at": now - timedelta(days=rng.randint(0, 90)),
                })
            cand_ids = conn.execute(
                insert(candidates).returning(candidates.c.id, sort_by_parameter_order=True), cand_rows
            ).scalars().all()
            iv_rows, plans = [], []
            for cid in cand_ids:
                motive = rng.choices(list(WHY), [5, 2, 2, 1])[0]
                quality = {"intrinsic": 4, "mixed": 3, "extrinsic": 2, "unclear": 2}[motive]
                for who in rng.sample(team, rng.choice([2, 2, 3])):
                    started = now - timedelta(days=rng.randint(0, 60), minutes=rng.randint(0, 600))
                    submitted = rng.random() < 0.9
                    iv_rows.append({
                        "candidate_id": cid, "interviewer_id": who.id, "kit_version_id": kit_version_id,
                        "status": "submitted" if submitted else "in_progress", "current_question": kit.questions[0].id,
                        "started_at": started, "updated_at": started + timedelta(minutes=45),
                        "submitted_at": started + timedelta(minutes=45) if submitted else None,
                    })
                    plans.append((motive, quality))
            iv_ids = conn.execute(
                insert(interviews).returning(interviews.c.id, sort_by_parameter_order=True), iv_rows
            ).scalars().all()
            ans_rows, rating_rows, rec_rows, ans_labels = [], [], [], []
            for iid, (motive, quality) in zip(iv_ids, plans):
                scores = []
                for q in kit.questions:
                    said = rng.choices([motive, "intrinsic", "extrinsic", "unclear"], [6, 1, 1, 1])[0]
                    story, why, feeling, label = rng.choice(pool[said])
                    ans_labels.append(label)
                    ans_rows.append({
                        "interview_id": iid, "question_id": q.id, "story": story, "why": why, "feeling": feeling,
                        "notes": rng.choice(["", "Good eye contact.", "Needed prompting for the why.", "Specific and concrete."]),
                        "revision": 3, "updated_at": now,
                    })
                    score = max(1, min(5, quality + rng.choice([-1, 0, 0, 1])))
                    scores.append(score)
                    rating_rows.append({"interview_id": iid, "question_id": q.id, "score": score, "updated_at": now})
                mean = sum(scores) / len(scores)
                rec = "strong_yes" if mean >= 4.2 else "yes" if mean >= 3.2 else "no" if mean >= 2.2 else "strong_no"
                rec_rows.append({"interview_id": iid, "value": rec, "note": "", "updated_at": now})
            answer_ids = conn.execute(
                insert(answers).returning(answers.c.id, sort_by_parameter_order=True), ans_rows
            ).scalars().all()
            label_rows = [{**lab, "answer_id": aid, "created_at": now}
                          for aid, lab in zip(answer_ids, ans_labels) if lab is not None]
            if label_rows:
                conn.execute(insert(motivation_labels), label_rows)
            conn.execute(insert(ratings), rating_rows)
            conn.execute(insert(recommendations), rec_rows)
            _decide(store, conn, rng, iv_rows, rec_rows, now)
            # Voluntary self-identification, as a real applicant pool gives it: many decline.
            self_id_rows = [
                {"candidate_id": cid, "sex": rng.choice([*SEX_CATEGORIES, None]),
                 "race": rng.choice([None, *DEMO_RACES]), "recorded_by": team[0].id, "recorded_at": now}
                for cid in cand_ids if rng.random() < 0.7
            ]
            if self_id_rows:
                conn.execute(insert(candidate_self_id), self_id_rows)
            store._audit(conn, COMMAND_LINE, "demo.added", "candidate", None, candidates=len(cand_ids), interviews=len(iv_ids))
            made += len(iv_ids)
    return made


def _interviewing(store: Store) -> str:
    """The stage interviewed candidates wait in: the second open stage, if the team has one."""
    open_stages = store.settings.stages.with_outcome(Outcome.OPEN)
    return open_stages[min(1, len(open_stages) - 1)]


def _decide(store: Store, conn, rng: random.Random, iv_rows: list[dict], rec_rows: list[dict], now) -> None:
    """Move about half the demo candidates on, as a team would: mostly by their panel's recommendations."""
    stages = store.settings.stages
    forward = stages.with_outcome(Outcome.FORWARD)
    to = {Outcome.HIRED: stages.with_outcome(Outcome.HIRED)[0], Outcome.REJECTED: stages.with_outcome(Outcome.REJECTED)[0],
          Outcome.WITHDRAWN: stages.with_outcome(Outcome.WITHDRAWN)[0]}
    votes: dict[int, list[bool]] = {}
    for iv, rec in zip(iv_rows, rec_rows):
        if iv["status"] == "submitted":
            votes.setdefault(iv["candidate_id"], []).append(rec["value"] in ("yes", "strong_yes"))
    moves = []
    for cid, said in votes.items():
        if rng.random() < 0.45:
            continue  # still interviewing
        liked = 2 * sum(said) > len(said)
        path = ([*forward[:1], to[Outcome.HIRED]] if liked and rng.random() < 0.7 else
                [to[Outcome.REJECTED]] if not liked or rng.random() < 0.5 else [to[Outcome.WITHDRAWN]])
        before = _interviewing(store)
        for step in path:
            moves.append({"candidate_id": cid, "from_stage": before, "to_stage": step,
                          "reason": stages.reasons(step)[0], "note": "", "moved_by": None,
                          "mover": COMMAND_LINE.username, "moved_at": now})
            before = step
        conn.execute(update(candidates).where(candidates.c.id == cid).values(status=before, status_changed_at=now))
    if moves:
        conn.execute(insert(stage_history), moves)


if __name__ == "__main__":
    # Labelling the demo's answers needs the active model, a layer above data, so the command
    # runs from the entry point that composes both (motive/demo.py); this keeps the old name.
    import runpy

    sys.argv = ["python -m data.demo", *sys.argv[1:]]
    runpy.run_module("motive.demo", run_name="__main__")
