"""The status report per plantel (manual §6 "Reporte de estatus por Plantel").

Built from ``(campus_code, campus_name, status, count)`` tuples, which both
the station's cache and the server's database produce with one GROUP BY;
rendered by ``station.documents`` (PDF, XLSX) and the Inicio screen.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from station.domain.statuses import REPORT_ORDER, Status


@dataclass
class StatusReportRow:
    """One plantel's line: ``total`` students and ``counts`` per status (0 when absent)."""

    campus_code: str
    campus_name: str
    counts: dict[Status, int] = field(default_factory=lambda: {s: 0 for s in REPORT_ORDER})

    @property
    def total(self) -> int:
        """Number of students of the plantel (column "Alumnos")."""
        return sum(self.counts.values())

    def to_dict(self) -> dict:
        """JSON shape: ``{campus_code, campus_name, total, counts: {STATUS: n}}``."""
        return {"campus_code": self.campus_code, "campus_name": self.campus_name, "total": self.total,
                "counts": {s.value: n for s, n in self.counts.items()}}


@dataclass
class StatusReport:
    """Rows ordered by campus code, and the "Total" line."""

    rows: list[StatusReportRow]

    @property
    def totals(self) -> StatusReportRow:
        """The "Total" line of manual §6 (sum of every row)."""
        total = StatusReportRow("", "Total")
        for row in self.rows:
            for status, n in row.counts.items():
                total.counts[status] += n
        return total

    def to_dict(self) -> dict:
        """JSON shape: ``{rows: [...], totals: {...}}`` (see :meth:`StatusReportRow.to_dict`)."""
        return {"rows": [r.to_dict() for r in self.rows], "totals": self.totals.to_dict()}

    @classmethod
    def from_dict(cls, data: dict) -> "StatusReport":
        """Inverse of :meth:`to_dict`. Raises ``KeyError``/``ValueError`` on a malformed object."""
        rows = []
        for item in data["rows"]:
            row = StatusReportRow(item["campus_code"], item["campus_name"])
            for code, n in item["counts"].items():
                row.counts[Status(code)] = int(n)
            rows.append(row)
        return cls(rows)


def build_status_report(counts: Iterable[tuple[str, str, Status | str, int]]) -> StatusReport:
    """Fold ``(campus_code, campus_name, status, count)`` tuples into a report.

    Raises ``ValueError`` on an unknown status code.
    """
    rows: dict[str, StatusReportRow] = {}
    for code, name, status, n in counts:
        row = rows.setdefault(code, StatusReportRow(code, name))
        row.counts[Status(status)] += int(n)
    return StatusReport([rows[k] for k in sorted(rows)])
