"""Hiring: positions, candidates and candidate imports."""

from __future__ import annotations

from typing import Iterable

from sqlalchemy import func, insert, or_, select, update

from data.access import require
from data.errors import ConflictError, NotFoundError, PossibleDuplicate, ValidationError
from data.records import Actor, Candidate, Position, StageMove
from data.schema import candidates, positions, stage_history
from data.stages import OTHER, SELECTED, Outcome
from data.store.base import StoreBase, candidate_query, clean_text, normalise_email, to_candidate, utcnow


def same_person_name(a: str, b: str) -> bool:
    """Whether two names read the same: case and spacing aside (any script: casefold, not SQL lower())."""
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def to_position(r) -> Position:
    return Position(id=r.id, name=r.name, description=r.description, closed_at=r.closed_at)


class HiringStore(StoreBase):
    """The roles being hired for and the people applying."""

    # -- positions and candidates ----------------------------------------------------------------

    def create_position(self, actor: Actor, name: str, description: str = "") -> Position:
        require(actor, "positions.write")
        name = clean_text(name, "position_name").strip()
        description = clean_text(description, "position_description").strip()
        if not name:
            raise ValidationError("A position needs a name.")
        with self.atomic() as conn:
            if conn.execute(select(positions.c.id).where(func.lower(positions.c.name) == name.lower())).first():
                raise ValidationError(f"A position named {name!r} already exists.")
            pid = conn.execute(
                insert(positions).values(name=name, description=description, created_at=utcnow())
            ).inserted_primary_key[0]
            self._audit(conn, actor, "position.created", "position", pid)
        return Position(id=pid, name=name, description=description)

    def list_positions(self, *, open_only: bool = False) -> list[Position]:
        q = select(positions).order_by(positions.c.name)
        if open_only:
            q = q.where(positions.c.closed_at.is_(None))
        with self.reading() as conn:
            rows = conn.execute(q).all()
        return [to_position(r) for r in rows]

    def update_position(self, actor: Actor, position_id: int, name: str, description: str) -> Position:
        """Rename a position or change its description; the name stays unique, case-insensitively."""
        require(actor, "positions.manage")
        name = clean_text(name, "position_name").strip()
        description = clean_text(description, "position_description").strip()
        if not name:
            raise ValidationError("A position needs a name.")
        with self.atomic() as conn:
            before = conn.execute(select(positions).where(positions.c.id == position_id)).first()
            if before is None:
                raise NotFoundError(f"No position with id {position_id}.")
            if conn.execute(select(positions.c.id).where(func.lower(positions.c.name) == name.lower(),
                                                         positions.c.id != position_id)).first():
                raise ValidationError(f"A position named {name!r} already exists.")
            if (before.name, before.description) == (name, description):
                return to_position(before)
            conn.execute(update(positions).where(positions.c.id == position_id)
                         .values(name=name, description=description))
            self._audit(conn, actor, "position.updated", "position", position_id,
                        renamed=before.name != name, description_changed=before.description != description)
        return self.get_position(position_id)

    def set_position_open(self, actor: Actor, position_id: int, is_open: bool) -> Position:
        """Close a position (no new interviews or assignments; everything already there stays) or reopen it."""
        require(actor, "positions.manage")
        with self.atomic() as conn:
            before = conn.execute(select(positions.c.closed_at).where(positions.c.id == position_id)).first()
            if before is None:
                raise NotFoundError(f"No position with id {position_id}.")
            if (before.closed_at is None) != is_open:
                conn.execute(update(positions).where(positions.c.id == position_id)
                             .values(closed_at=None if is_open else utcnow()))
                self._audit(conn, actor, "position.reopened" if is_open else "position.closed", "position", position_id)
        return self.get_position(position_id)

    def get_position(self, position_id: int) -> Position:
        with self.reading() as conn:
            r = conn.execute(select(positions).where(positions.c.id == position_id)).first()
        if r is None:
            raise NotFoundError(f"No position with id {position_id}.")
        return to_position(r)

    def add_candidate(self, actor: Actor, position_id: int, name: str, email: str | None = None, *,
                      same_name_ok: bool = False) -> Candidate:
        """Add someone to a position, in its first stage.

        A name that matches a candidate already in the position (ignoring case and spacing) raises
        PossibleDuplicate, naming them, unless `same_name_ok`: two people can share a name, but
        usually it is the same person added twice.
        """
        require(actor, "candidates.write")
        name = clean_text(name, "candidate_name").strip()
        if not name:
            raise ValidationError("A candidate needs a name.")
        email = normalise_email(email)
        with self.atomic() as conn:
            closed = conn.execute(select(positions.c.closed_at).where(positions.c.id == position_id)).first()
            if closed is None:
                raise NotFoundError(f"No position with id {position_id}.")
            if email and conn.execute(
                select(candidates.c.id).where(candidates.c.position_id == position_id, candidates.c.email == email)
            ).first():
                raise ValidationError(f"A candidate with the email {email} already applied for this position.")
            if not same_name_ok:
                same = tuple(cid for cid, other in conn.execute(select(candidates.c.id, candidates.c.name).where(
                    candidates.c.position_id == position_id, candidates.c.anonymised_at.is_(None)))
                    if same_person_name(other, name))
                if same:
                    raise PossibleDuplicate(
                        f"{len(same)} candidate{'s' if len(same) > 1 else ''} with this name already "
                        "applied for this position. Add another person with the same name?", same)
            cid = conn.execute(
                insert(candidates).values(
                    position_id=position_id, name=name, email=email, status=self.settings.stages.first.key,
                    created_at=utcnow(),
                )
            ).inserted_primary_key[0]
            self._audit(conn, actor, "candidate.created", "candidate", cid, position_id=position_id)
        return self.get_candidate(actor, cid)

    def get_candidate(self, actor: Actor, candidate_id: int) -> Candidate:
        require(actor, "candidates.view")
        with self.reading() as conn:
            r = conn.execute(candidate_query().where(candidates.c.id == candidate_id)).first()
        if r is None:
            raise NotFoundError(f"No candidate with id {candidate_id}.")
        return to_candidate(r)

    CANDIDATE_ORDERS = {
        "newest": (candidates.c.created_at.desc(), candidates.c.id.desc()),
        "oldest": (candidates.c.created_at.asc(), candidates.c.id.asc()),
        "name": (func.lower(candidates.c.name), candidates.c.id),
        "stage changed": (func.coalesce(candidates.c.status_changed_at, candidates.c.created_at).desc(),
                          candidates.c.id.desc()),
    }

    def _candidate_filter(self, q, position_id: int | None, search: str, stages: Iterable[str] | None):
        if position_id is not None:
            q = q.where(candidates.c.position_id == position_id)
        if stages is not None:
            q = q.where(candidates.c.status.in_(list(stages)))
        search = (search or "").strip().lower()
        if search:
            pattern = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            q = q.where(
                or_(
                    func.lower(candidates.c.name).like(pattern, escape="\\"),
                    func.lower(candidates.c.email).like(pattern, escape="\\"),
                )
            )
        return q

    def list_candidates(
        self, actor: Actor, *, position_id: int | None = None, search: str = "", stages: Iterable[str] | None = None,
        order: str = "newest", offset: int = 0, limit: int = 200,
    ) -> list[Candidate]:
        """One page of candidates; `search` matches name or email, case-insensitively, as a plain substring.

        `stages` keeps only those stage keys (None: any); `order` is one of CANDIDATE_ORDERS.
        """
        require(actor, "candidates.view")
        if order not in self.CANDIDATE_ORDERS:
            raise ValidationError(f"Unknown order {order!r}; choose one of {', '.join(self.CANDIDATE_ORDERS)}.")
        q = self._candidate_filter(candidate_query(), position_id, search, stages)
        q = q.order_by(*self.CANDIDATE_ORDERS[order]).offset(max(0, offset)).limit(limit)
        with self.reading() as conn:
            return [to_candidate(r) for r in conn.execute(q)]

    def count_candidates(self, actor: Actor, *, position_id: int | None = None, search: str = "",
                         stages: Iterable[str] | None = None) -> int:
        """How many candidates list_candidates would page through with these filters."""
        require(actor, "candidates.view")
        q = self._candidate_filter(select(func.count()).select_from(candidates), position_id, search, stages)
        with self.reading() as conn:
            return int(conn.execute(q).scalar())

    def update_candidate(self, actor: Actor, candidate_id: int, name: str, email: str | None) -> Candidate:
        """Correct a candidate's name or e-mail; an anonymised candidate stays anonymised."""
        require(actor, "candidates.write")
        name = clean_text(name, "candidate_name").strip()
        if not name:
            raise ValidationError("A candidate needs a name.")
        email = normalise_email(email)
        with self.atomic() as conn:
            before = conn.execute(select(candidates).where(candidates.c.id == candidate_id)).first()
            if before is None:
                raise NotFoundError(f"No candidate with id {candidate_id}.")
            if before.anonymised_at is not None:
                raise ConflictError("This candidate was anonymised; their record can no longer be edited.")
            if email and conn.execute(select(candidates.c.id).where(
                    candidates.c.position_id == before.position_id, candidates.c.email == email,
                    candidates.c.id != candidate_id)).first():
                raise ValidationError(f"Another candidate for this position has the email {email}.")
            if (before.name, before.email) != (name, email):
                conn.execute(update(candidates).where(candidates.c.id == candidate_id).values(name=name, email=email))
                self._audit(conn, actor, "candidate.updated", "candidate", candidate_id,
                            name_changed=before.name != name, email_changed=before.email != email)
        return self.get_candidate(actor, candidate_id)

    def move_candidates(self, actor: Actor, candidate_ids: Iterable[int], stage: str, reason: str,
                        note: str = "") -> int:
        """Move one or many candidates to `stage`, all or none; returns how many moved.

        The reason is one of the stage's short list (data.stages.REASONS); "Other" needs a note.
        A candidate already in the stage is left as is. Each move is kept in the stage history
        and audited (the audit records stages and reason, never the note).
        """
        require(actor, "candidates.stage")
        stages = self.settings.stages
        if stage not in stages.keys:
            raise ValidationError(f"Unknown stage {stage!r}; choose one of {', '.join(s.name for s in stages.stages)}.")
        if reason not in stages.reasons(stage):
            raise ValidationError(f"Choose a reason for moving to {stages.name(stage)}: "
                                  f"{', '.join(stages.reasons(stage))}.")
        note = clean_text(note, "stage_note").strip()
        if reason == OTHER and not note:
            raise ValidationError("Say in the note what the other reason is.")
        ids = sorted(set(candidate_ids))
        if not ids:
            raise ValidationError("Pick at least one candidate to move.")
        now = utcnow()
        with self.atomic() as conn:
            rows = {r.id: r for r in conn.execute(
                select(candidates.c.id, candidates.c.status, candidates.c.anonymised_at).where(candidates.c.id.in_(ids)))}
            missing = [i for i in ids if i not in rows]
            if missing:
                raise NotFoundError(f"No candidate with id {missing[0]}; nobody was moved.")
            anonymised = [i for i in ids if rows[i].anonymised_at is not None]
            if anonymised:
                raise ConflictError(f"Candidate {anonymised[0]} was anonymised and can no longer move; nobody was moved.")
            moving = [i for i in ids if rows[i].status != stage]
            for cid in moving:
                conn.execute(update(candidates).where(candidates.c.id == cid).values(status=stage, status_changed_at=now))
            if moving:
                conn.execute(insert(stage_history), [
                    {"candidate_id": cid, "from_stage": rows[cid].status, "to_stage": stage, "reason": reason,
                     "note": note, "moved_by": actor.id, "mover": actor.username, "moved_at": now} for cid in moving])
                for cid in moving:
                    self._audit(conn, actor, "candidate.stage_changed", "candidate", cid,
                                before=rows[cid].status, after=stage, reason=reason)
        return len(moving)

    def set_candidate_status(self, actor: Actor, candidate_id: int, status: str,
                             reason: str = "Corrected a mistake", note: str = "") -> None:
        """One candidate's stage: move_candidates for one."""
        self.move_candidates(actor, [candidate_id], status, reason, note)

    def decisions(self, actor: Actor, *, position_id: int | None = None) -> list[tuple[int, int, bool | None]]:
        """(candidate id, position id, selected) for every candidate in scope, from recorded decisions.

        Selected: the candidate is, or ever was, in a forward or hired stage (an offer later declined
        was still a selection). Not selected: rejected without ever being moved forward. None: no
        decision yet (an open stage), or withdrawn before any selection.
        """
        require(actor, "candidates.view")
        stages = self.settings.stages
        chosen = stages.with_outcome(*SELECTED)
        rejected = stages.with_outcome(Outcome.REJECTED)
        q = select(candidates.c.id, candidates.c.position_id, candidates.c.status)
        h = select(stage_history.c.candidate_id).distinct().where(stage_history.c.to_stage.in_(chosen))
        if position_id is not None:
            q = q.where(candidates.c.position_id == position_id)
            h = h.join(candidates, candidates.c.id == stage_history.c.candidate_id).where(
                candidates.c.position_id == position_id)
        with self.reading() as conn:
            ever = set(conn.execute(h).scalars())
            rows = conn.execute(q.order_by(candidates.c.id)).all()
        return [(r.id, r.position_id,
                 True if (r.id in ever or r.status in chosen) else (False if r.status in rejected else None))
                for r in rows]

    def stage_history(self, actor: Actor, candidate_id: int) -> list[StageMove]:
        """Every move of one candidate, oldest first."""
        require(actor, "candidates.stage")
        with self.reading() as conn:
            rows = conn.execute(select(stage_history).where(stage_history.c.candidate_id == candidate_id)
                                .order_by(stage_history.c.id)).all()
        return [StageMove(r.id, r.candidate_id, r.from_stage, r.to_stage, r.reason, r.note, r.mover, r.moved_at)
                for r in rows]

    # -- imports and batch reads ---------------------------------------------------------------

    def candidates_with_email(self, actor: Actor) -> list[tuple[str, str]]:
        """(position name, email) of every candidate with an email: what an import must not repeat."""
        require(actor, "candidates.view")
        with self.reading() as conn:
            return [tuple(r) for r in conn.execute(
                select(positions.c.name, candidates.c.email)
                .join(candidates, candidates.c.position_id == positions.c.id)
                .where(candidates.c.email.is_not(None)))]

    def import_candidates(self, actor: Actor, rows: list[tuple[str, str, str]]) -> tuple[int, list[str]]:
        """Add (name, email, position) rows in one transaction, creating unknown positions.

        All or nothing: a row that turns out invalid inside the transaction (say, the same
        email added a moment ago by someone else) rolls everything back.
        """
        require(actor, "candidates.import")
        if not rows:
            raise ValidationError("There are no valid rows to import.")
        now = utcnow()
        created: list[str] = []
        with self.atomic() as conn:
            known = {name.lower(): pid for pid, name in conn.execute(select(positions.c.id, positions.c.name))}
            taken = {(pid, email) for pid, email in conn.execute(
                select(candidates.c.position_id, candidates.c.email).where(candidates.c.email.is_not(None)))}
            batch = []
            for name, email, position in rows:
                name = clean_text(name, "candidate_name").strip()
                position = clean_text(position, "position_name").strip()
                email = normalise_email(email)
                if not name or not position:
                    raise ValidationError("Every imported row needs a name and a position; nothing was imported.")
                pid = known.get(position.lower())
                if pid is None:
                    pid = conn.execute(insert(positions).values(name=position, description="", created_at=now)
                                       ).inserted_primary_key[0]
                    known[position.lower()] = pid
                    created.append(position)
                if email and (pid, email) in taken:
                    raise ValidationError(f"{email} is already a candidate for {position}; nothing was imported.")
                taken.add((pid, email))
                batch.append({"position_id": pid, "name": name, "email": email,
                              "status": self.settings.stages.first.key, "created_at": now})
            conn.execute(insert(candidates), batch)
            self._audit(conn, actor, "candidates.imported", "candidate", None, rows=len(batch),
                        positions_created=len(created))
        return len(batch), created

    def candidates_of(self, actor: Actor, candidate_ids: Iterable[int]) -> dict[int, Candidate]:
        require(actor, "candidates.view")
        ids = list(candidate_ids)
        out: dict[int, Candidate] = {}
        with self.reading() as conn:
            for start in range(0, len(ids), 500):
                for c in conn.execute(candidate_query().where(candidates.c.id.in_(ids[start:start + 500]))):
                    out[c.id] = to_candidate(c)
        return out

    def candidate_positions(self, actor: Actor, candidate_ids: Iterable[int]) -> dict[int, int]:
        require(actor, "candidates.view")
        ids = list(candidate_ids)
        with self.reading() as conn:
            return dict(conn.execute(
                select(candidates.c.id, candidates.c.position_id).where(candidates.c.id.in_(ids or [-1]))).all())

