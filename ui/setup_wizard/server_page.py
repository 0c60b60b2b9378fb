"""Page 1, «Servidor central»: the server address and «Probar conexión» (``GET /health``)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout

from station.registration import normalize_url
from ui.setup_wizard.base import BAD_STYLE, BUSY_STYLE, OK_STYLE, WizardPageBase, _error_text

if TYPE_CHECKING:
    from ui.setup_wizard.wizard import SetupWizard


class ServerPage(WizardPageBase):
    """Server URL and connection test."""

    def __init__(self, wizard: "SetupWizard"):
        super().__init__(wizard)
        self.setTitle(self.tr("Servidor central"))
        self.setSubTitle(self.tr("Escriba la dirección del servidor de credencialización que le dio la Dirección "
                                 "Estatal y pruebe la conexión."))
        self.url_edit = QLineEdit(wizard.state.server_url)
        self.url_edit.setPlaceholderText("https://credencializacion.conalep.edu.mx")
        self.url_edit.setObjectName("serverUrl")
        self.test_button = QPushButton(self.tr("Probar conexión"))
        self.test_button.setObjectName("testConnection")
        self.test_button.clicked.connect(self.test_connection)
        self.url_edit.textChanged.connect(self._url_changed)
        self.url_edit.returnPressed.connect(self.test_connection)
        row = QHBoxLayout()
        row.addWidget(self.url_edit, 1)
        row.addWidget(self.test_button)
        form = QFormLayout()
        form.addRow(self.tr("Dirección del servidor:"), row)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addStretch(1)
        self._busy = False

    def _url_changed(self) -> None:
        if self.w.state.tested_url and self.url_edit.text().strip().rstrip("/") != self.w.state.tested_url:
            self.w.state.tested_url = ""
            self.show_status("")
        self.completeChanged.emit()

    def test_connection(self) -> None:
        """Validate the URL and call ``GET /health`` on a worker thread."""
        if self._busy:
            return
        try:
            url = normalize_url(self.url_edit.text())
        except ValueError as exc:
            self.show_status(self.tr("Dirección del servidor: {0}").format(str(exc)), BAD_STYLE)
            return
        from station.api import ServerApi

        self._busy = True
        self.test_button.setEnabled(False)
        self.show_status(self.tr("Probando la conexión con {0}…").format(url), BUSY_STYLE)
        self.run(lambda: ServerApi(url, timeout=(3.05, 5.0)).health(), lambda res, err: self._tested(url, res, err))

    def _tested(self, url: str, answer: Any, error: BaseException | None) -> None:
        self._busy = False
        self.test_button.setEnabled(True)
        if error is not None:
            self.w.state.tested_url = ""
            self.show_status(self.tr("No se pudo conectar: {0}").format(_error_text(error)), BAD_STYLE)
        elif not isinstance(answer, dict) or answer.get("status") != "ok":
            self.w.state.tested_url = ""
            self.show_status(self.tr("La dirección responde, pero no es un servidor de credencialización "
                                     "(respuesta inesperada de /health)."), BAD_STYLE)
        else:
            self.w.state.server_url = self.w.state.tested_url = url
            note = ""
            if url.startswith("http://") and urlparse(url).hostname not in ("127.0.0.1", "localhost", "::1"):
                note = " " + self.tr("Atención: la conexión no está cifrada (http); en producción use https.")
            self.show_status(self.tr("Conexión correcta con {0} (base de datos {1}).").format(
                url, answer.get("database", "?")) + note, OK_STYLE)
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802 - Qt API
        """Next only after a successful test of the URL as typed."""
        return bool(self.w.state.tested_url) and self.url_edit.text().strip().rstrip("/") == self.w.state.tested_url
