"""Loading an SAE export file into ``sae_records`` in ONE transaction (manual §7): a failure
leaves the SAE data exactly as before."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.db.models import Campus, SaeRecord
from server.services.students import utcnow

from server.services.sae.parse import (
    HEADER_ALIASES,
    RowProblem,
    _CampusResolver,
    _norm,
    _raw_rows,
    iter_sae_rows,
)


@dataclass
class ImportResult:
    """Outcome of :func:`import_sae_file` (see :class:`server.schemas.SaeImportResult`)."""

    rows: int
    imported: int
    refused: int
    errors: list[RowProblem]
    errors_truncated: bool
    encoding: str

    def to_dict(self) -> dict:
        return {**asdict(self), "errors": [asdict(e) for e in self.errors]}


def import_sae_file(session: Session, path: str | Path, source: str = "", max_errors: int = 1000,
                    batch: int = 1000) -> ImportResult:
    """Load an SAE export file into ``sae_records`` inside the caller's transaction.

    Two streamed passes: the first finds repeated matrículas (every row of a
    repeated matrícula is refused — which one is right cannot be known — and
    its previous SAE data is kept), the second validates and upserts in
    batches. Raises :class:`SaeFileError` (422) for a file that cannot be
    read as a whole; otherwise row errors are returned (at most
    ``max_errors`` listed, all counted). The caller commits, or rolls back on
    any exception — nothing is half-applied.
    """
    path = Path(path)
    resolver = _CampusResolver({c.code: c.name for c in session.scalars(select(Campus))})
    first_row: dict[str, int] = {}
    duplicates: dict[str, list[int]] = {}
    _enc, first_pass = _raw_matriculas(path)
    for number, matricula in first_pass:
        if matricula in first_row:
            duplicates.setdefault(matricula, [first_row[matricula]]).append(number)
        else:
            first_row[matricula] = number
    del first_row
    encoding, parsed = iter_sae_rows(path, resolver)
    now = utcnow()
    result = ImportResult(0, 0, 0, [], False, encoding)
    pending: list[dict] = []
    upsert = _upsert_statement(session)

    def problem(p: RowProblem):
        result.refused += 1
        if len(result.errors) < max_errors:
            result.errors.append(p)
        else:
            result.errors_truncated = True

    def flush():
        if not pending:
            return
        session.execute(upsert, pending)
        result.imported += len(pending)
        pending.clear()

    for number, item in parsed:
        result.rows += 1
        if isinstance(item, RowProblem):
            problem(item)
            continue
        rows_of = duplicates.get(item.matricula)
        if rows_of:
            others = ", ".join(str(n) for n in rows_of if n != number)
            problem(RowProblem(number, "matricula", f"La matrícula {item.matricula} está repetida en el archivo "
                                                    f"(también en la fila {others}); no se importó ninguna de esas filas.",
                               item.matricula))
            continue
        pending.append({**asdict(item), "source": source[:255], "imported_at": now})
        if len(pending) >= batch:
            flush()
    flush()
    return result


def _upsert_statement(session: Session):
    """``INSERT … ON CONFLICT (matricula) DO UPDATE`` for PostgreSQL and SQLite (an
    index-backed upsert; a DELETE … IN on a table growing inside the transaction has
    no statistics and degrades to sequential scans on PostgreSQL)."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    stmt = dialect_insert(SaeRecord)
    columns = [c.name for c in SaeRecord.__table__.columns if c.name != "matricula"]
    return stmt.on_conflict_do_update(index_elements=["matricula"],
                                      set_={c: getattr(stmt.excluded, c) for c in columns})


def _raw_matriculas(path: Path) -> tuple[str, Iterator[tuple[int, str]]]:
    encoding, rows = _raw_rows(path)

    def gen():
        column = None
        for number, cells in rows:
            if not any(cells):
                continue
            if column is None:
                for idx, name in enumerate(cells):
                    if HEADER_ALIASES.get(_norm(name)) == "matricula":
                        column = idx
                        break
                else:
                    return
                continue
            if column < len(cells) and cells[column]:
                yield number, cells[column].strip()

    return encoding, gen()
