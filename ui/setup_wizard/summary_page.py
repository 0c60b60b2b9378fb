"""Page 6, «Resumen»: what will be saved; «Guardar» writes ``config.toml``."""
from __future__ import annotations

from typing import TYPE_CHECKING
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout

from station.config import ConfigError
from ui.setup_wizard.base import BAD_STYLE, WizardPageBase

if TYPE_CHECKING:
    from ui.setup_wizard.wizard import SetupWizard


class SummaryPage(WizardPageBase):
    """What will be saved; «Guardar» writes the configuration."""

    def __init__(self, wizard: "SetupWizard"):
        super().__init__(wizard)
        self.setTitle(self.tr("Resumen"))
        self.setSubTitle(self.tr("Revise los datos y pulse «Guardar» para escribir la configuración de la estación."))
        self.summary = QLabel()
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.status)
        layout.addStretch(1)

    def initializePage(self) -> None:  # noqa: N802 - Qt API
        """Show every value that will be written."""
        from html import escape

        from station.config import config_path

        s = self.w.state
        names = dict(s.campuses)
        campuses = ", ".join(f"{c} {names.get(c, '')}".strip() for c in s.chosen_campuses)
        rows = [
            (self.tr("Servidor"), s.server_url),
            (self.tr("Estación"), s.station_id + (f" ({self.tr('registrada por')} {s.registered_by})"
                                                  if s.registered_by else "")),
            (self.tr("Llave de firma"), self.tr("en el llavero del sistema; pública {0}…").format(s.public_key[:16])
             if s.public_key else self.tr("sin cambios")),
            (self.tr("Plantel"), campuses),
            (self.tr("Cámara"), s.camera_label or s.camera),
            (self.tr("Pad de firma"), s.pad_label or s.pad),
            (self.tr("Archivo"), str(config_path())),
        ]
        self.summary.setText("<table cellspacing='6'>" + "".join(
            f"<tr><td><b>{escape(k)}:</b></td><td>{escape(v)}</td></tr>" for k, v in rows) + "</table>")
        self.show_status("")

    def validatePage(self) -> bool:  # noqa: N802 - Qt API
        """Write the configuration; on failure keep the wizard open with the Spanish reason."""
        try:
            self.w.save()
        except (OSError, ConfigError) as exc:
            self.show_status(self.tr("No se pudo guardar la configuración: {0}").format(exc), BAD_STYLE)
            return False
        return True
