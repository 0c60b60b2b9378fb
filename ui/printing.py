"""Where a generated temporary credential PDF goes: saved under the station's
data folder (``credenciales/``) and opened with the desktop's PDF viewer, from
which the operator prints it (manual §8 step 9: «Se abrirá un documento en
formato PDF el cual podrá imprimir»)."""
from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

#: Set ``CREDENCIALIZACION_NO_OPEN_PDF=1`` to only save (tests, screenshots).
NO_OPEN_ENV = "CREDENCIALIZACION_NO_OPEN_PDF"


def save_credential_pdf(data_dir: Path | str, matricula: str, pdf: bytes) -> Path:
    """Write ``pdf`` to ``<data_dir>/credenciales/credencial-<matrícula>-<fecha>.pdf``; returns the path."""
    folder = Path(data_dir) / "credenciales"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"credencial-{matricula}-{datetime.now():%Y%m%d-%H%M%S}.pdf"
    path.write_bytes(pdf)
    return path


def open_document(path: Path) -> bool:
    """Open ``path`` in the desktop's viewer (returns False when disabled or impossible)."""
    if os.environ.get(NO_OPEN_ENV) or os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        return False
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def generate_and_open(services, matricula: str):
    """Worker-thread half: PDF + ``print_temporary`` command, saved to disk.
    Returns ``(path, student)``."""
    pdf, student = services.print_temporary(matricula)
    return save_credential_pdf(services.config.data_dir, student.matricula, pdf), student
