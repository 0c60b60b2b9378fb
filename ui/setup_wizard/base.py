"""What every page of the setup wizard shares: the gathered :class:`WizardState`,
the status-line colours and the page base (a status label and worker tasks
through :func:`ui.workers.run_task`)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWizardPage

if TYPE_CHECKING:
    from ui.setup_wizard.wizard import SetupWizard

OK_STYLE = "color: #1b5e20;"
BAD_STYLE = "color: #b71c1c; font-weight: bold;"
BUSY_STYLE = "color: #455a64;"


def _error_text(exc: BaseException) -> str:
    """Spanish text for an exception from the station's layers (their ``str()`` is Spanish)."""
    text = str(exc).strip()
    return text or type(exc).__name__


@dataclass
class WizardState:
    """What the pages gather. ``campuses``: ``[(code, name)]`` offered by the server."""

    server_url: str = ""
    ca_bundle: str = ""
    tested_url: str = ""
    station_id: str = ""
    registered_id: str = ""
    public_key: str = ""
    registered_by: str = ""
    campuses: list[tuple[str, str]] = field(default_factory=list)
    chosen_campuses: list[str] = field(default_factory=list)
    camera: str = ""
    camera_label: str = ""
    pad: str = ""
    pad_label: str = ""


class WizardPageBase(QWizardPage):
    """Common helpers: a status label and worker tasks that report back on the GUI thread."""

    def __init__(self, wizard: "SetupWizard"):
        super().__init__()
        self.w = wizard
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.setObjectName("status")

    def show_status(self, text: str, style: str = OK_STYLE) -> None:
        """Show ``text`` in the page's status line (green ok, red error, grey busy)."""
        self.status.setStyleSheet(style)
        self.status.setText(text)

    def run(self, fn: Callable[[], Any], callback: Callable[[Any, BaseException | None], None]) -> None:
        """Run ``fn`` off the GUI thread; ``callback(result, error)`` runs on the GUI thread."""
        self.w.start_task(fn, callback)
