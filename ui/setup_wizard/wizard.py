"""The setup wizard window: its six pages in order, worker tasks, saving."""
from __future__ import annotations

from typing import Any, Callable

from PySide6.QtWidgets import QApplication, QWidget, QWizard

from station.config import Config, load_config, save_config
from ui.setup_wizard.base import WizardState
from ui.setup_wizard.camera_page import CameraPage
from ui.setup_wizard.campus_page import CampusPage
from ui.setup_wizard.pad_page import PadPage
from ui.setup_wizard.register_page import RegisterPage
from ui.setup_wizard.server_page import ServerPage
from ui.setup_wizard.summary_page import SummaryPage
from ui.workers import run_task


class SetupWizard(QWizard):
    """The setup wizard. ``config``: the current configuration (default: :func:`load_config`).

    After ``exec()`` returns ``Accepted``, :attr:`saved_path` is the written ``config.toml``
    and :attr:`result_config` the saved :class:`Config`.
    """

    def __init__(self, parent: QWidget | None = None, config: Config | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Configuración de la estación de credencialización"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, False)
        self.setOption(QWizard.WizardOption.HaveHelpButton, False)
        self.setButtonText(QWizard.WizardButton.NextButton, self.tr("Siguiente >"))
        self.setButtonText(QWizard.WizardButton.BackButton, self.tr("< Atrás"))
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("Guardar"))
        self.setButtonText(QWizard.WizardButton.CancelButton, self.tr("Cancelar"))
        self.setMinimumSize(760, 560)
        self.config = config or load_config()
        self.state = WizardState(server_url=self.config.server_url, ca_bundle=self.config.ca_bundle, camera="", pad="")
        self.saved_path = None
        self.result_config: Config | None = None
        self._running = 0
        self.server_page = ServerPage(self)
        self.register_page = RegisterPage(self)
        self.campus_page = CampusPage(self)
        self.camera_page = CameraPage(self)
        self.pad_page = PadPage(self)
        self.summary_page = SummaryPage(self)
        for page in (self.server_page, self.register_page, self.campus_page, self.camera_page, self.pad_page,
                     self.summary_page):
            self.addPage(page)

    def start_task(self, fn: Callable[[], Any], callback: Callable[[Any, BaseException | None], None]) -> None:
        """Run ``fn`` on a worker (:func:`ui.workers.run_task`); ``callback(result, error)`` on the GUI thread."""
        self._running += 1

        def finish(result: Any, error: BaseException | None) -> None:
            self._running -= 1
            callback(result, error)

        run_task(fn, lambda result: finish(result, None), lambda exc: finish(None, exc), context=self)

    @property
    def busy(self) -> bool:
        """True while a worker task (connection test, registration, device probe) is running."""
        return self._running > 0

    def save(self) -> None:
        """Write the gathered values over the current configuration. Raises ``OSError``."""
        s = self.state
        config = self.config.model_copy(update=dict(
            server_url=s.server_url, ca_bundle=s.ca_bundle, station_id=s.station_id,
            campuses=list(s.chosen_campuses), camera=s.camera or self.config.camera, pad=s.pad or self.config.pad))
        self.saved_path = save_config(config)
        self.result_config = config

    def done(self, result: int) -> None:  # noqa: D401 - Qt API
        """Release the camera and the pad whichever way the wizard closes."""
        self.camera_page.stop()
        self.pad_page.shutdown()
        super().done(result)


def run_setup_wizard(parent: QWidget | None = None) -> bool:
    """Show the setup wizard modally; True when the configuration was saved.

    Creates the ``QApplication`` when none exists (first start from the
    command line). Safe to call again from Ajustes: the current values are
    the defaults and an already registered station may keep its registration.
    """
    app = QApplication.instance() or QApplication([])  # noqa: F841 - kept alive during exec
    wizard = SetupWizard(parent)
    return wizard.exec() == QWizard.DialogCode.Accepted
