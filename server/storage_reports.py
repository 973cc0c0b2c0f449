"""Storage of shoppers' reports, and the rate-limit counters that guard their submission.

A mixin of storage.Storage (it uses the Storage's transactions and clock).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from .schema import StorageError, rate_limits, reports

REPORT_KINDS = ("suggest", "mistake")
REPORT_STATUSES = ("open", "accepted", "rejected")


class ReportNotFound(StorageError, LookupError):
    pass


class ReportAlreadyDecided(StorageError):
    pass


class ReportQueries:
    """Reports: received open, then accepted or rejected by a maintainer (an actor)."""

    def add_report(self, kind: str, domain: str, comment: str, client: str) -> int:
        if kind not in REPORT_KINDS:
            raise ValueError(f"kind must be one of {', '.join(REPORT_KINDS)}")
        with self._write() as conn, conn.begin():
            result = conn.execute(reports.insert().values(
                kind=kind, domain=domain, comment=comment or "", client=client[:64],
                created=self._now(), status="open"))
            return result.inserted_primary_key[0]

    @staticmethod
    def _report(row) -> dict:
        return {"id": row.id, "kind": row.kind, "domain": row.domain, "comment": row.comment,
                "created": row.created, "status": row.status, "reason": row.reason,
                "decided_by": row.decided_by, "decided_at": row.decided_at}

    def list_reports(self, status: str | None = None) -> list[dict]:
        query = sa.select(reports).order_by(reports.c.id)
        if status is not None:
            if status not in REPORT_STATUSES:
                raise ValueError(f"status must be one of {', '.join(REPORT_STATUSES)}")
            query = query.where(reports.c.status == status)
        with self._read() as conn:
            return [self._report(row) for row in conn.execute(query).all()]

    def decide_report(self, report_id: int, decision: str, reason: str, actor: str) -> dict:
        if decision not in ("accepted", "rejected"):
            raise ValueError("decision must be accepted or rejected")
        with self._write() as conn, conn.begin():
            row = conn.execute(sa.select(reports).where(reports.c.id == report_id)).first()
            if row is None:
                raise ReportNotFound(f"no report {report_id}")
            if row.status != "open":
                raise ReportAlreadyDecided(f"report {report_id} was already {row.status}")
            conn.execute(reports.update().where(reports.c.id == report_id).values(
                status=decision, reason=reason or "", decided_by=actor, decided_at=self._now()))
            row = conn.execute(sa.select(reports).where(reports.c.id == report_id)).one()
        return self._report(row)


class RateLimits:
    """Fixed-window counters in the database, so every worker counts together."""

    def check_rate(self, key: str, limit: int, window_seconds: int) -> tuple[bool, int]:
        """Count one hit for ``key`` in a fixed window shared by every worker.

        Returns (allowed, retry_after): retry_after is the seconds until the
        window ends (0 when allowed).
        """
        now = int(self.clock())
        window_seconds = max(1, int(window_seconds))
        for _attempt in range(2):
            try:
                with self._write() as conn, conn.begin():
                    row = conn.execute(sa.select(rate_limits.c.window_start, rate_limits.c.hits)
                                       .where(rate_limits.c.key == key)).first()
                    if row is None or row.window_start + window_seconds <= now:
                        # Expired counters are cleared as new windows open.
                        conn.execute(rate_limits.delete().where(
                            rate_limits.c.window_start <= now - window_seconds))
                        conn.execute(rate_limits.insert().values(key=key, window_start=now, hits=1))
                        return (limit >= 1, 0 if limit >= 1 else window_seconds)
                    # Conditional increment: exact even when workers race (PostgreSQL
                    # read committed re-checks the condition on the locked row).
                    counted = conn.execute(
                        rate_limits.update()
                        .where(rate_limits.c.key == key, rate_limits.c.window_start == row.window_start,
                               rate_limits.c.hits < limit)
                        .values(hits=rate_limits.c.hits + 1))
                    if counted.rowcount:
                        return True, 0
                    return False, max(1, row.window_start + window_seconds - now)
            except IntegrityError:
                continue  # another worker opened the window first: count again
        return False, 1
