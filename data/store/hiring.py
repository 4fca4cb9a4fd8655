"""Hiring: positions, candidates and candidate imports."""

from __future__ import annotations

from typing import Iterable

from sqlalchemy import func, insert, or_, select, update

from data.access import require
from data.errors import NotFoundError, ValidationError
from data.records import CANDIDATE_STATUSES, Actor, Candidate, CandidateStatus, Position
from data.schema import candidates, positions
from data.store.base import StoreBase, candidate_query, clean_text, normalise_email, to_candidate, utcnow


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

    def list_positions(self) -> list[Position]:
        with self.reading() as conn:
            rows = conn.execute(select(positions).order_by(positions.c.name)).all()
        return [Position(id=r.id, name=r.name, description=r.description) for r in rows]

    def get_position(self, position_id: int) -> Position:
        with self.reading() as conn:
            r = conn.execute(select(positions).where(positions.c.id == position_id)).first()
        if r is None:
            raise NotFoundError(f"No position with id {position_id}.")
        return Position(id=r.id, name=r.name, description=r.description)

    def add_candidate(self, actor: Actor, position_id: int, name: str, email: str | None = None) -> Candidate:
        require(actor, "candidates.write")
        name = clean_text(name, "candidate_name").strip()
        if not name:
            raise ValidationError("A candidate needs a name.")
        email = normalise_email(email)
        with self.atomic() as conn:
            if conn.execute(select(positions.c.id).where(positions.c.id == position_id)).first() is None:
                raise NotFoundError(f"No position with id {position_id}.")
            if email and conn.execute(
                select(candidates.c.id).where(candidates.c.position_id == position_id, candidates.c.email == email)
            ).first():
                raise ValidationError(f"A candidate with the email {email} already applied for this position.")
            cid = conn.execute(
                insert(candidates).values(
                    position_id=position_id, name=name, email=email, status=CandidateStatus.ACTIVE.value,
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

    def list_candidates(
        self, actor: Actor, *, position_id: int | None = None, search: str = "", limit: int = 200
    ) -> list[Candidate]:
        """Newest first; `search` matches name or email, case-insensitively, as a plain substring."""
        require(actor, "candidates.view")
        q = candidate_query()
        if position_id is not None:
            q = q.where(candidates.c.position_id == position_id)
        search = (search or "").strip().lower()
        if search:
            pattern = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            q = q.where(
                or_(
                    func.lower(candidates.c.name).like(pattern, escape="\\"),
                    func.lower(candidates.c.email).like(pattern, escape="\\"),
                )
            )
        q = q.order_by(candidates.c.id.desc()).limit(limit)
        with self.reading() as conn:
            return [to_candidate(r) for r in conn.execute(q)]

    def set_candidate_status(self, actor: Actor, candidate_id: int, status: str) -> None:
        require(actor, "candidates.write")
        try:
            status = CandidateStatus(status).value
        except ValueError:
            raise ValidationError(
                f"Unknown status {status!r}; choose one of {', '.join(CANDIDATE_STATUSES)}."
            ) from None
        with self.atomic() as conn:
            before = conn.execute(select(candidates.c.status).where(candidates.c.id == candidate_id)).scalar()
            if before is None:
                raise NotFoundError(f"No candidate with id {candidate_id}.")
            if before == status:
                return
            conn.execute(update(candidates).where(candidates.c.id == candidate_id)
                         .values(status=status, status_changed_at=utcnow()))
            self._audit(conn, actor, "candidate.status_changed", "candidate", candidate_id, before=before, after=status)

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
                              "status": CandidateStatus.ACTIVE.value, "created_at": now})
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

