"""The two screen bases.

:class:`Screen` — every screen: title, subtitle, a fixed header slot, the
reserved message line, a scrollable body and a fixed action bar at the bottom
(primary buttons live there, so they are on screen at 1024×768 and at 125–150 %
scaling whatever the body holds).

:class:`DeskScreen` — the search → show → act scaffolding of the desk screens
(capture, print, reject, deliver, consult, and the screens other issues add):
the matrícula bar above the scroll area, the search off the GUI thread,
found / not-found hooks, focus back to the matrícula after every action, and a
scanner that works at any moment (a printable key pressed while a button, a
check box or the camera has the focus starts a new matrícula in the bar).
"""
from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QScrollArea, QVBoxLayout, QWidget
from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QTextEdit

from ui.widgets.messages import MessageLabel
from ui.widgets.search import MatriculaSearch
from ui.workers import error_text, run_task


class Screen(QWidget):
    """Base of every screen.

    ``services`` is the :class:`station.services.DeskServices`. Subclasses fill
    ``self.body`` (a QVBoxLayout inside the scroll area), may put widgets in
    ``self.header`` (fixed, above the message line) and buttons in
    ``self.actions`` (fixed, bottom), and may override :meth:`on_enter`
    (called each time the screen is shown) and :meth:`focus_first`.
    """

    #: Emitted after a change to a record (the window refreshes counters).
    changed = Signal()
    #: (screen key, matrícula): ask the window to open another screen on a student.
    navigate = Signal(str, str)

    def __init__(self, services, title: str, subtitle: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self.setObjectName("screen")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 10, 16, 8)
        outer.setSpacing(4)
        self.title_label = QLabel(title)
        self.title_label.setObjectName("title")
        outer.addWidget(self.title_label)
        if subtitle:
            sub = QLabel(subtitle)
            sub.setObjectName("subtitle")
            sub.setWordWrap(True)
            outer.addWidget(sub)
        self.header = QVBoxLayout()
        self.header.setContentsMargins(0, 0, 0, 0)
        outer.addLayout(self.header)
        self.message = MessageLabel()
        outer.addWidget(self.message)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        inner = QWidget()
        inner.setObjectName("screen")
        self.body = QVBoxLayout(inner)
        self.body.setContentsMargins(0, 2, 0, 2)
        self.body.setSpacing(8)
        scroll.setWidget(inner)
        outer.addWidget(scroll, 1)
        self.scroll = scroll
        self.actions = QHBoxLayout()
        self.actions.setContentsMargins(0, 4, 0, 0)
        outer.addLayout(self.actions)

    def on_enter(self) -> None:
        """Called when the screen becomes visible."""
        self.focus_first()

    def focus_first(self) -> None:
        """Put the keyboard focus on the first input."""

    def run(self, fn: Callable[[], Any], done: Callable[[Any], None], label: str,
            failed: Callable[[BaseException], None] | None = None, *, load: bool = False) -> None:
        """Run ``fn`` off the GUI thread, then ``done(result)`` or (after the error is shown in the
        message line) ``failed(exc)`` on the GUI thread.

        ``load=True`` marks a background load (what a screen fetches to show itself, not the
        operator's action): whatever its callbacks say in the message line — its error too —
        is dropped when an action started after the load has already shown its result there
        (:class:`ui.widgets.messages.MessageLabel`). The callbacks themselves still run.
        """
        ticket = self.message.ticket()

        def speaking(callback: Callable[[Any], None] | None) -> Callable[[Any], None]:
            def call(value: Any) -> None:
                with self.message.speaking_for(ticket, load):
                    if callback is not None:
                        callback(value)
            return call

        def on_error(exc: BaseException) -> None:
            self.message.error(error_text(exc))
            if failed is not None:
                failed(exc)

        run_task(fn, speaking(done), speaking(on_error), label=label, context=self)


#: Inputs that keep typed characters (a scan only starts from elsewhere).
_TEXT_INPUTS = (QLineEdit, QPlainTextEdit, QTextEdit, QAbstractSpinBox, QComboBox)


class DeskScreen(Screen):
    """A desk screen: find a student by matrícula, show it, act on it.

    Subclasses implement :meth:`show_student` (``loaded`` is what :meth:`load`
    returned) and :meth:`clear_student`; they may override :meth:`load`
    (default: the record with photo and signature,
    ``DeskServices.student_with_biometrics``) and set ``example_statuses``
    (statuses whose first student of the plantel is the placeholder example).
    After an action, call :meth:`action_done` to put the focus back on the
    matrícula for the next student.
    """

    #: Search bar label while searching.
    searching_text = "Buscando alumno…"
    #: Statuses a useful example matrícula has on this screen (None: any).
    example_statuses: tuple | None = None

    def __init__(self, services, title: str, subtitle: str = "", parent: QWidget | None = None):
        super().__init__(services, title, subtitle, parent)
        self.student = None
        self.search = MatriculaSearch()
        self.search.search.connect(self.open_matricula)
        self.search.scan_button.clicked.connect(self.scan_with_camera)
        self.header.addWidget(self.search)
        #: The open «Leer credencial» dialog (tests close it).
        self.scan_dialog = None
        from ui.account_slip import SlipOffer

        #: Offers the institutional account's slip after a lookup (issue 20).
        self.slip = SlipOffer(self)

    # ---------------------------------------------------------------- hooks
    def load(self, matricula: str) -> Any:
        """Worker thread: what :meth:`show_student` receives."""
        return self.services.student_with_biometrics(matricula)

    def show_student(self, loaded: Any) -> None:
        """GUI thread: show a found student (``self.student`` is set already)."""

    def clear_student(self) -> None:
        """GUI thread: the search failed or the screen is reset."""

    # ------------------------------------------------------------ behaviour
    def focus_first(self) -> None:
        self.search.focus()

    def on_enter(self) -> None:
        super().on_enter()
        if not self.search.edit.placeholderText().count("p. ej.") and self.example_statuses is not None:
            self.search.set_example(self.example_matricula())

    def example_matricula(self) -> str:
        """A matrícula of the desk's plantel in one of :attr:`example_statuses` ("" if none)."""
        try:
            return self.services.example_matricula(self.example_statuses or None)
        except Exception:  # noqa: BLE001 - a placeholder never breaks the screen
            return ""

    def open_matricula(self, matricula: str) -> None:
        """Search ``matricula`` (typed, scanned or sent by another screen) and show it."""
        self.message.clear_message()
        self.search.edit.setText(matricula)
        self.run(lambda: self.load(matricula), self._found, self.tr(self.searching_text), self._not_found)

    def _found(self, loaded: Any) -> None:
        self.search.set_invalid(False)
        self.student = loaded[0] if isinstance(loaded, tuple) else loaded
        self.show_student(loaded)
        matricula = getattr(self.student, "matricula", None)  # «Importar alumno SAE» loads a dict
        if isinstance(matricula, str):
            self.slip.check(matricula)

    def _not_found(self, _exc: BaseException) -> None:
        self.student = None
        self.clear_student()
        self.search.set_invalid(True)

    def camera_spec(self) -> str:
        """The configured desk camera (index, ``demo`` or a file)."""
        return self.services.config.camera or "0"

    def release_camera(self) -> None:
        """Free the camera before the credential reader opens it (the capture screen's preview)."""

    def scan_with_camera(self) -> None:
        """«Leer credencial» (F3): read the temporary credential's QR or barcode with the
        camera and look the matrícula up (DESIGN.md §6, zxing-cpp)."""
        from ui.widgets.scan_dialog import CredentialScanDialog

        self.release_camera()
        self.scan_dialog = CredentialScanDialog(self.camera_spec(), self)
        try:
            accepted = self.scan_dialog.exec() == CredentialScanDialog.DialogCode.Accepted
            matricula = self.scan_dialog.matricula
        finally:
            self.scan_dialog.deleteLater()
            self.scan_dialog = None
        if accepted and matricula:
            self.open_matricula(matricula)
        else:
            self.action_done()

    def action_done(self) -> None:
        """After Guardar / Generar / Rechazar: the matrícula field takes the next scan."""
        QTimer.singleShot(0, self.search.focus)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        """A printable key that no child used (focus on a button, a check box, the
        camera view…) starts a new matrícula: a scan works at any moment."""
        text = event.text()
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier & ~Qt.KeyboardModifier.KeypadModifier
        focus = self.focusWidget()
        if (text and text.isprintable() and not text.isspace() and modifiers == Qt.KeyboardModifier.NoModifier
                and not isinstance(focus, _TEXT_INPUTS)):
            self.search.edit.setFocus()
            self.search.edit.setText(text)
            mark = self.search.edit
            mark.setCursorPosition(len(text))
            event.accept()
            return
        super().keyPressEvent(event)
