"""SAE (Sistema de Administración Escolar) adapter, file import and lookup (manual §7).

- :class:`SaeAdapter` is the interface: ``lookup(session, matricula) -> SaeData | None``.
  The reference adapter, :class:`DatabaseSaeAdapter`, answers from the
  ``sae_records`` table that :func:`import_sae_file` fills from SAE export
  files; :class:`FileSaeAdapter` reads one export file directly (tests, demos).
- :func:`import_sae_file` reads CSV (UTF-8 or Latin-1/cp1252, ``,``/``;``/tab,
  streamed) or XLSX (openpyxl read-only) with the columns of manual §7 plus
  Estatus and Semestre (Número de afiliación optional); header names are
  matched without accents or case. Bad rows are reported with their row
  number and reason; good rows are written; everything happens in ONE
  transaction, so a failure leaves the SAE data exactly as before.
- :func:`evaluate` decides what a user may do with an SAE record: the
  allowed actions (``import``/``update``) or the reason why not — not
  enrolled, another plantel, semester not allowed, record already validated
  — using the shared transition table as a dry run.

One module per idea: :mod:`~server.services.sae.records` (data, adapters),
:mod:`~server.services.sae.parse`, :mod:`~server.services.sae.load`,
:mod:`~server.services.sae.eligibility`; this package re-exports their names.
"""
from server.services.sae.eligibility import COMPARED_FIELDS, command_payload, comparison, evaluate, lookup, student_of
from server.services.sae.load import ImportResult, import_sae_file
from server.services.sae.parse import (  # _LABELS, _MAX_LEN, _norm, _parse_row: for tests
    _LABELS,
    _MAX_LEN,
    HEADER_ALIASES,
    REQUIRED_COLUMNS,
    FileSaeAdapter,
    RowProblem,
    SaeFileError,
    _norm,
    _parse_row,
    detect_encoding,
    iter_sae_rows,
)
from server.services.sae.records import DatabaseSaeAdapter, SaeAdapter, SaeData

__all__ = ["COMPARED_FIELDS", "HEADER_ALIASES", "REQUIRED_COLUMNS", "DatabaseSaeAdapter", "FileSaeAdapter",
           "ImportResult", "RowProblem", "SaeAdapter", "SaeData", "SaeFileError", "command_payload", "comparison",
           "detect_encoding", "evaluate", "import_sae_file", "iter_sae_rows", "lookup", "student_of"]
