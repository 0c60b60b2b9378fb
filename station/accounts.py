"""Institutional accounts from the station (issue 20 items 5 and 7), through the
server API client — no Qt here; the «Cuentas institucionales» screen and the
desk's account slip call this.

Every server refusal becomes :class:`station.services.ServiceError` with the
server's Spanish message. The one-time password only passes through memory:
:meth:`InstitutionalAccounts.print_slip` returns the slip PDF bytes, nothing
is written to disk or logged.
"""
from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

from station.api import ServerApiError
from station.documents.account_slip import account_slip_pdf
from station.services import ServiceError
from station.services.server_backed import ServerBackedService

EXPORT_FORMATS = {
    "m365": "Microsoft 365 (centro de administración)",
    "entra": "Microsoft Entra (creación masiva)",
    "google": "Google Workspace (carga masiva)",
    "oneroster11": "OneRoster 1.1",
    "oneroster12": "OneRoster 1.2",
}


class InstitutionalAccounts(ServerBackedService):
    """Client-side actions on institutional accounts; ``api_getter()`` returns
    the signed-in :class:`station.api.ServerApi` or ``None`` when offline."""

    offline_message = "Las cuentas institucionales necesitan conexión con el servidor central."

    # --- the desk: slip --------------------------------------------------
    def pending_slip(self, matricula: str) -> str | None:
        """The address whose slip waits to be printed, or ``None`` (also when
        offline or not allowed: a lookup never fails because of this)."""
        try:
            answer = self._api().account_slip_status(matricula)
        except (ServerApiError, ServiceError):
            return None
        return answer.get("address") if isinstance(answer, dict) and answer.get("pending") else None

    def print_slip(self, matricula: str) -> bytes:
        """PDF of the account slip; the server destroys the password as it answers.
        A second call raises :class:`ServiceError` (code ``slip_already_printed``)."""
        slip = self._call("claim_account_slip", matricula)
        return account_slip_pdf(slip["full_name"], slip["matricula"], slip["address"], slip["password"],
                                slip["sign_in_url"])

    # --- the systems office ---------------------------------------------
    def preview(self, campus: str) -> list[dict]:
        """Addresses that would be proposed for the plantel's students lacking one (nothing saved)."""
        return self._call("accounts_preview", campus)

    def proposals(self, campus: str) -> list[dict]:
        """Open proposals of the plantel (students, staff, graduates)."""
        return self._call("accounts_proposals", campus)

    def propose(self, campus: str) -> list[dict]:
        """Reserve the previewed addresses; returns the open student proposals."""
        return self._call("accounts_propose", campus)

    def add_list(self, campus: str, kind: str, path: Path | str) -> list[dict]:
        """Propose accounts for a staff/graduate list file (CSV/XLSX)."""
        path = Path(path)
        return self._call("accounts_list", campus, kind, _read(path), path.name)

    def export(self, campus: str, fmt: str, folder: Path | str, kind: str | None = None) -> list[Path]:
        """Write the checked export files of ``fmt`` into ``folder`` (files mode 0600); returns their paths."""
        data = self._call("accounts_export", campus, fmt, kind)
        folder = Path(folder)
        written = []
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for name in archive.namelist():
                    target = folder / Path(name).name
                    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                    with os.fdopen(fd, "wb") as handle:
                        handle.write(archive.read(name))
                    written.append(target)
        except (OSError, zipfile.BadZipFile) as exc:
            raise ServiceError(f"No se pudieron guardar los archivos en {folder}: {exc}", code="io") from None
        return written

    def import_created(self, campus: str, path: Path | str) -> dict:
        """Import the tenant's file of created accounts; the server's report."""
        path = Path(path)
        return self._call("accounts_import", campus, _read(path), path.name)

    def load_directory(self, path: Path | str) -> dict:
        """Load the tenant's directory export."""
        path = Path(path)
        return self._call("accounts_directory", _read(path), path.name)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ServiceError(f"No se pudo leer el archivo {path}: {exc.strerror or exc}", "file", "io") from None
