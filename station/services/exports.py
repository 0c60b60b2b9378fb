"""Exports of the desk (manual §6): the status report as PDF or XLSX, a plantel's student list."""
from __future__ import annotations

from pathlib import Path

from station.services.errors import ServiceError


class ExportsMixin:
    """Export part of :class:`station.services.DeskServices` (uses its ``store`` and ``status_report``)."""

    def export_report(self, path: Path | str, fmt: str) -> Path:
        """Write the status report (manual §6) as ``"pdf"`` or ``"xlsx"`` to ``path``."""
        report = self.status_report()
        if fmt == "pdf":
            from station.documents.report_pdf import status_report_pdf

            data = status_report_pdf(report)
        elif fmt == "xlsx":
            from station.domain.xlsx import status_report_xlsx

            data = status_report_xlsx(report)
        else:
            raise ServiceError(f"Formato desconocido: {fmt}.", code="invalid_field")
        return self._write(path, data)

    def export_students(self, campus: str, path: Path | str) -> Path:
        """Write the plantel's student list as XLSX (manual §6: click on the plantel)."""
        from station.domain.xlsx import student_list_xlsx

        names = dict(self.store.campuses())
        data = student_list_xlsx(self.store.find_students(campus), names.get(campus, campus))
        return self._write(path, data)

    @staticmethod
    def _write(path: Path | str, data: bytes) -> Path:
        path = Path(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_bytes(data)
            tmp.replace(path)
        except OSError as exc:
            raise ServiceError(f"No se pudo guardar {path}: {exc.strerror or exc}.", code="io") from None
        return path
