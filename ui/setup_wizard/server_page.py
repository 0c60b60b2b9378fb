"""Page 1, «Servidor central»: the server address, the optional CA certificate to trust
(``ca_bundle``) and «Probar conexión» (``GET /health``). ``http://`` is refused unless the
server is this same machine (:func:`station.registration.normalize_url`)."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout

from station.registration import check_ca_bundle, normalize_url
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
        self.ca_edit = QLineEdit(wizard.state.ca_bundle)
        self.ca_edit.setObjectName("caBundle")
        self.ca_edit.setPlaceholderText(self.tr("Opcional: ruta de un archivo PEM (p. ej. C:/credencializacion/ca.pem)"))
        self.ca_edit.setToolTip(self.tr("Si la Dirección Estatal le dio un certificado de su autoridad (CA), la "
                                        "estación confiará solo en él para el servidor central."))
        self.ca_edit.textChanged.connect(self._url_changed)
        row = QHBoxLayout()
        row.addWidget(self.url_edit, 1)
        row.addWidget(self.test_button)
        form = QFormLayout()
        form.addRow(self.tr("Dirección del servidor:"), row)
        form.addRow(self.tr("Certificado de CA:"), self.ca_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addStretch(1)
        self._busy = False

    def _url_changed(self) -> None:
        if self.w.state.tested_url and (self.url_edit.text().strip().rstrip("/") != self.w.state.tested_url
                                        or self._typed_ca() != self.w.state.ca_bundle):
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
        try:
            ca_bundle = check_ca_bundle(self.ca_edit.text())
        except ValueError as exc:
            self.show_status(self.tr("Certificado de CA: {0}").format(str(exc)), BAD_STYLE)
            return
        from station.api import ServerApi

        self._busy = True
        self.test_button.setEnabled(False)
        self.show_status(self.tr("Probando la conexión con {0}…").format(url), BUSY_STYLE)
        self.run(lambda: ServerApi(url, timeout=(3.05, 5.0), ca_bundle=ca_bundle or None).health(),
                 lambda res, err: self._tested(url, ca_bundle, res, err))

    def _tested(self, url: str, ca_bundle: str, answer: Any, error: BaseException | None) -> None:
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
            self.w.state.ca_bundle = ca_bundle
            self.show_status(self.tr("Conexión correcta con {0} (base de datos {1}).").format(
                url, answer.get("database", "?")), OK_STYLE)
        self.completeChanged.emit()

    def _typed_ca(self) -> str:
        """The CA bundle path as typed, in the form :func:`check_ca_bundle` returns it."""
        text = self.ca_edit.text().strip()
        return str(Path(text).expanduser()) if text else ""

    def isComplete(self) -> bool:  # noqa: N802 - Qt API
        """Next only after a successful test of the URL and CA certificate as typed."""
        return (bool(self.w.state.tested_url) and self.url_edit.text().strip().rstrip("/") == self.w.state.tested_url
                and self._typed_ca() == self.w.state.ca_bundle)
