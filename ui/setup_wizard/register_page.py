"""Page 2, «Registro de la estación»: an administrator registers the station."""
from __future__ import annotations

from typing import TYPE_CHECKING
from PySide6.QtWidgets import QCheckBox, QFormLayout, QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout

from station.registration import STATION_ID_RE, register_station, suggested_station_id
from ui.setup_wizard.base import BAD_STYLE, BUSY_STYLE, OK_STYLE, WizardPageBase, _error_text

if TYPE_CHECKING:
    from ui.setup_wizard.wizard import SetupWizard


class RegisterPage(WizardPageBase):
    """Register the station with an administrator's credentials."""

    def __init__(self, wizard: "SetupWizard"):
        super().__init__(wizard)
        self.setTitle(self.tr("Registro de la estación"))
        self.setSubTitle(self.tr("Un administrador registra esta estación en el servidor. Se crea la llave de firma "
                                 "de la estación y se guarda en el llavero del sistema; la contraseña no se guarda."))
        config = wizard.config
        self.station_edit = QLineEdit(config.station_id or suggested_station_id())
        self.station_edit.setObjectName("stationId")
        self.station_edit.setMaxLength(64)
        self.user_edit = QLineEdit()
        self.user_edit.setObjectName("adminUser")
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("adminPassword")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.register_button = QPushButton(self.tr("Registrar estación"))
        self.register_button.setObjectName("registerStation")
        self.register_button.clicked.connect(self.register)
        self.password_edit.returnPressed.connect(self.register)
        self.keep_check = QCheckBox(self.tr("Conservar el registro actual de la estación «{0}»").format(config.station_id))
        self.keep_check.setObjectName("keepRegistration")
        self.can_keep = bool(config.station_id)
        self.keep_check.setVisible(self.can_keep)
        self.keep_check.toggled.connect(self._keep_toggled)
        self.station_edit.textChanged.connect(self._changed)
        form = QFormLayout()
        form.addRow(self.tr("Clave de la estación:"), self.station_edit)
        form.addRow(self.tr("Usuario administrador:"), self.user_edit)
        form.addRow(self.tr("Contraseña:"), self.password_edit)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.register_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.keep_check)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addStretch(1)
        self._busy = False

    def _keep_toggled(self, keep: bool) -> None:
        for widget in (self.station_edit, self.user_edit, self.password_edit, self.register_button):
            widget.setEnabled(not keep)
        if keep:
            self.station_edit.setText(self.w.config.station_id)
            self.show_status(self.tr("Se conserva el registro; para cambiar de plantel regístrela de nuevo."), OK_STYLE)
        else:
            self.show_status("")
        self.completeChanged.emit()

    def _changed(self) -> None:
        self.completeChanged.emit()

    def register(self) -> None:
        """Check the fields, then login → key → ``POST /stations`` → ``GET /campuses`` → logout off-thread."""
        if self._busy:
            return
        station_id = self.station_edit.text().strip()
        user, password = self.user_edit.text().strip(), self.password_edit.text()
        if not STATION_ID_RE.match(station_id):
            self.show_status(self.tr("Clave de la estación: use de 1 a 64 letras sin acentos, números, punto, guion "
                                     "o guion bajo (por ejemplo EST-001-01)."), BAD_STYLE)
            return
        if not user or not password:
            self.show_status(self.tr("Escriba el usuario y la contraseña de un administrador."), BAD_STYLE)
            return
        url = self.w.state.server_url

        def work() -> dict:
            return register_station(url, station_id, user, password, self.w.state.ca_bundle or None)

        self._busy = True
        self.register_button.setEnabled(False)
        self.show_status(self.tr("Registrando la estación {0}…").format(station_id), BUSY_STYLE)
        self.run(work, lambda res, err: self._registered(station_id, user, res, err))

    def _registered(self, station_id: str, user: str, result: dict | None, error: BaseException | None) -> None:
        self._busy = False
        self.register_button.setEnabled(True)
        if error is not None:
            self.show_status(self.tr("No se registró la estación: {0}").format(_error_text(error)), BAD_STYLE)
            self.password_edit.selectAll()
            self.password_edit.setFocus()
            self.completeChanged.emit()
            return
        state = self.w.state
        state.station_id = state.registered_id = station_id
        state.public_key = result["public_key"]
        state.registered_by = user
        state.campuses = [(str(c["code"]), str(c["name"])) for c in result.get("campuses") or []]
        self.password_edit.clear()
        self.show_status(self.tr("Estación {0} registrada por {1}. Llave pública: {2}…").format(
            station_id, user, state.public_key[:16]), OK_STYLE)
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802 - Qt API
        """Next after a registration of the id as typed, or when keeping the current one."""
        if self.can_keep and self.keep_check.isChecked():
            return True
        return bool(self.w.state.registered_id) and self.station_edit.text().strip() == self.w.state.registered_id

    def validatePage(self) -> bool:  # noqa: N802 - Qt API
        """Keeping the registration: reuse the configured id and planteles."""
        if self.can_keep and self.keep_check.isChecked():
            state = self.w.state
            state.station_id = self.w.config.station_id
            if not state.campuses:
                state.campuses = [(code, "") for code in self.w.config.campuses]
        return True
