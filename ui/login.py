"""«Iniciar sesión» (manual §5): user and password, online against the central
server, offline with the verifier kept by the station (sync issue)."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (QFrame, QHBoxLayout, QLabel, QLineEdit, QProgressBar, QScrollArea, QVBoxLayout,
                               QWidget)

from ui.style import app_icon
from ui.widgets.controls import button, fit_to_screen, mark_invalid
from ui.widgets.messages import MessageLabel
from ui.workers import error_text, run_task


def _column(width: int) -> tuple[QWidget, QVBoxLayout]:
    """One column of the sign-in panel, ``width`` logical pixels wide: (widget, its layout)."""
    widget = QWidget()
    widget.setFixedWidth(width)
    layout = QVBoxLayout(widget)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(8)
    return widget, layout


class LoginWindow(QWidget):
    """The sign-in window. ``services`` may arrive later (:meth:`set_services`)
    while the local store opens in the background; until then the button is
    disabled and a progress bar shows what is being prepared.

    Signal ``signedIn(object)`` carries the :class:`station.services.DeskSession`.
    """

    signedIn = Signal(object)

    def __init__(self, services=None, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = None
        self.setWindowTitle(self.tr("Credencialización — Iniciar sesión"))
        self.setWindowIcon(app_icon())
        self.setObjectName("screen")
        fit_to_screen(self, (1100, 700))

        logo = QLabel()
        logo.setPixmap(app_icon().pixmap(88, 88))
        logo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        name = QLabel(self.tr("Credencialización"))
        name.setObjectName("title")
        name.setAlignment(Qt.AlignmentFlag.AlignCenter)
        org = QLabel(self.tr("Estación de credencialización de alumnos"))
        org.setObjectName("subtitle")
        org.setAlignment(Qt.AlignmentFlag.AlignCenter)

        # Two columns (form | privacy notice) keep the panel low enough for 1366×768 at 125 %
        # (558 logical pixels); one column of 420 px cut the notice at 1024×768.
        panel = QFrame()
        panel.setObjectName("loginPanel")
        columns = QHBoxLayout(panel)
        columns.setContentsMargins(28, 22, 28, 22)
        columns.setSpacing(28)
        form_column, form = _column(340)
        heading = QLabel(self.tr("Iniciar sesión"))
        heading.setObjectName("sectionTitle")
        form.addWidget(heading)
        user_label = QLabel(self.tr("&Usuario"))
        self.user_edit = QLineEdit()
        self.user_edit.setPlaceholderText(self.tr("Usuario o correo electrónico"))
        user_label.setBuddy(self.user_edit)
        pass_label = QLabel(self.tr("&Contraseña"))
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText(self.tr("Contraseña"))
        pass_label.setBuddy(self.password_edit)
        for w in (user_label, self.user_edit, pass_label, self.password_edit):
            form.addWidget(w)
        self.message = MessageLabel(reserve=False)
        form.addWidget(self.message)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress_label = QLabel()
        self.progress_label.setObjectName("subtitle")
        self.progress_label.setWordWrap(True)
        form.addWidget(self.progress_label)
        form.addWidget(self.progress)
        self.login_button = button(self.tr("Iniciar sesión"), "primary", self.submit)
        self.login_button.setDefault(True)
        form.addWidget(self.login_button)
        self.server_label = QLabel()
        self.server_label.setObjectName("subtitle")
        self.server_label.setWordWrap(True)
        form.addWidget(self.server_label)
        form.addStretch(1)
        notice_column, notice = _column(320)
        from station.documents.privacy import SHORT_NOTICE

        #: Aviso de privacidad simplificado (LGPDPPSO art. 28), always visible at sign-in.
        self.privacy_label = QLabel(QCoreApplication.translate("LoginWindow", SHORT_NOTICE))
        self.privacy_label.setObjectName("subtitle")
        self.privacy_label.setWordWrap(True)
        notice.addWidget(self.privacy_label)
        self.privacy_button = button(self.tr("Aviso de privacidad (imprimir)"), slot=self.print_privacy_notice)
        notice.addWidget(self.privacy_button)
        notice.addStretch(1)
        columns.addWidget(form_column)
        columns.addWidget(notice_column)

        self.user_edit.returnPressed.connect(self.password_edit.setFocus)
        self.password_edit.returnPressed.connect(self.submit)
        self.user_edit.textEdited.connect(lambda *_: mark_invalid(self.user_edit, False))
        self.password_edit.textEdited.connect(lambda *_: mark_invalid(self.password_edit, False))

        # On a screen smaller still (150 %) the page scrolls instead of squeezing the texts.
        page = QWidget()
        page.setObjectName("screen")
        column = QVBoxLayout(page)
        column.addStretch(1)
        column.addWidget(logo)
        column.addWidget(name)
        column.addWidget(org)
        column.addSpacing(12)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(panel)
        row.addStretch(1)
        column.addLayout(row)
        column.addStretch(2)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(page)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self._busy = False
        self.set_preparing(self.tr("Preparando la estación…"))
        if services is not None:
            self.set_services(services)
        self.user_edit.setFocus()

    def print_privacy_notice(self) -> None:
        """Open the integral notice in the print preview (from memory, nothing left on disk)."""
        from station.documents.privacy import privacy_notice_pdf
        from ui.printing import CredentialPrinter

        CredentialPrinter(self).preview(privacy_notice_pdf(), name_hint="aviso-de-privacidad")

    def set_preparing(self, text: str) -> None:
        """Show that the station is still starting (store, demo server)."""
        self.progress_label.setText(text)
        self.progress_label.setVisible(bool(text))
        self.progress.setVisible(bool(text))
        self.login_button.setEnabled(False)

    def set_services(self, services) -> None:
        """The station is ready: enable the sign-in button."""
        self.services = services
        self.set_preparing("")
        self.login_button.setEnabled(True)
        url = getattr(services.config, "server_url", "")
        self.server_label.setText(self.tr("Servidor central: {0}").format(url) if url else
                                  self.tr("Sin servidor central configurado."))

    def fail(self, text: str) -> None:
        """Show a start-up failure (the station cannot open its store…)."""
        self.set_preparing("")
        self.message.error(text)

    def submit(self) -> None:
        """Sign in with the typed user and password (off the GUI thread)."""
        if self.services is None or self._busy:
            return
        user, password = self.user_edit.text(), self.password_edit.text()
        if not user.strip():
            mark_invalid(self.user_edit, True)
            self.message.error(self.tr("Escriba su usuario."))
            self.user_edit.setFocus()
            return
        if not password:
            mark_invalid(self.password_edit, True)
            self.message.error(self.tr("Escriba su contraseña."))
            self.password_edit.setFocus()
            return
        self._busy = True
        self.login_button.setEnabled(False)
        self.progress.setVisible(True)
        self.message.clear_message()

        def done(session) -> None:
            self._busy = False
            self.progress.setVisible(False)
            self.login_button.setEnabled(True)
            self.password_edit.clear()
            self.signedIn.emit(session)

        def failed(exc) -> None:
            self._busy = False
            self.progress.setVisible(False)
            self.login_button.setEnabled(True)
            self.message.error(error_text(exc))
            self.password_edit.setFocus()
            self.password_edit.selectAll()

        run_task(lambda: self.services.sign_in(user, password), done, failed, label=self.tr("Iniciando sesión…"),
                 context=self)
