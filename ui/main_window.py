"""The station's main window: role menu on the left, the screens, and the
always-visible status bar (online/offline, pending uploads, user, plantel,
busy indicator). Menu entries follow the user's role as the transition table
says (a screen appears when the role may run its command)."""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame, QHBoxLayout, QLabel, QListWidgetItem, QMainWindow, QProgressBar, QStackedWidget, QVBoxLayout, QWidget,
)

from station.domain import Command, Role
from station.domain.transitions import transitions_for
from ui.domain_labels import domain_text
from ui.style import app_icon
from ui.widgets.controls import button, fit_to_screen, repolish
from ui.widgets.side_menu import SideMenu
from ui.workers import BUSY


#: Smallest window: fits 1366×768 at 150 % scaling (910×512 logical) minus a taskbar.
MIN_WIDTH, MIN_HEIGHT = 860, 460
# Sidebar width (logical pixels): at least SIDEBAR_WIDTH, wider when the role's longest menu entry
# (and a vertical scroll bar on a short screen) needs it (SideMenu.needed_width), at most
# SIDEBAR_MAX_WIDTH (beyond, the entry is shortened with «…»).
SIDEBAR_WIDTH, SIDEBAR_MAX_WIDTH = 196, 250


def roles_for(command: Command | frozenset | None) -> frozenset[Role] | None:
    """Roles that may run ``command`` per the domain table (``None`` = every role); a
    screen that is not a transition (e.g. «Avisos por correo») gives its roles directly."""
    if command is None:
        return None
    if isinstance(command, frozenset):
        return command
    return frozenset().union(*(t.roles for t in transitions_for(command)))


class MainWindow(QMainWindow):
    """Main window for a signed-in session of ``services``.

    ``screens`` maps a key to ``(menu text, command gating the entry or None,
    factory(services) -> Screen)``; the default set is :func:`default_screens`.
    Signal ``signedOut`` when the user presses «Cerrar sesión».
    """

    signedOut = Signal()

    def __init__(self, services, screens=None, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self.setWindowTitle(self.tr("Credencialización"))
        self.setWindowIcon(app_icon())
        self.setMinimumSize(MIN_WIDTH, MIN_HEIGHT)
        fit_to_screen(self, min_size=(MIN_WIDTH, MIN_HEIGHT))

        side = QFrame()
        side.setObjectName("sidebar")
        side.setFixedWidth(SIDEBAR_WIDTH)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 10)
        side_layout.setSpacing(0)
        brand_row = QHBoxLayout()
        brand_row.setContentsMargins(12, 10, 0, 0)
        icon = QLabel()
        icon.setPixmap(app_icon().pixmap(34, 34))
        brand_row.addWidget(icon)
        brand = QLabel(self.tr("Credencialización"))
        brand.setObjectName("brand")
        brand_row.addWidget(brand, 1)
        side_layout.addLayout(brand_row)
        sub = QLabel(services.campus_label())
        sub.setObjectName("brandSub")
        sub.setWordWrap(True)
        side_layout.addWidget(sub)
        self.menu = SideMenu()
        side_layout.addWidget(self.menu, 1)
        self.logout_button = button(self.tr("Cerrar sesión"), slot=self._sign_out)
        wrap = QHBoxLayout()
        wrap.setContentsMargins(10, 0, 10, 0)
        wrap.addWidget(self.logout_button)
        side_layout.addLayout(wrap)

        self.stack = QStackedWidget()
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(side)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        role = services.role
        self.screens: dict[str, QWidget] = {}
        self.keys: list[str] = []
        for key, (text, command, factory) in (screens or default_screens()).items():
            allowed = roles_for(command)
            if allowed is not None and role not in allowed:
                continue
            screen = factory(services)
            screen.changed.connect(self.refresh_status)
            if hasattr(screen, "navigate"):
                screen.navigate.connect(self.open_screen)
            self.screens[key] = screen
            self.keys.append(key)
            self.stack.addWidget(screen)
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.menu.addItem(item)
            number = len(self.keys)
            item.setToolTip(text)  # whole, should the entry be shortened with «…»
            if number <= 9:
                item.setToolTip(self.tr("{0} (Ctrl+{1})").format(text, number))
                shortcut = QShortcut(QKeySequence(f"Ctrl+{number}"), self)
                shortcut.activated.connect(lambda k=key: self.open_screen(k))
        self.menu.currentRowChanged.connect(self._on_menu)

        def fit_sidebar(needed: int) -> None:
            side.setFixedWidth(min(max(SIDEBAR_WIDTH, needed), SIDEBAR_MAX_WIDTH))

        fit_sidebar(self.menu.needed_width())
        self.menu.widthNeeded.connect(fit_sidebar)

        self._build_status_bar()
        BUSY.changed.connect(self._on_busy)
        self._timer = QTimer(self)
        self._timer.setInterval(2000)
        self._timer.timeout.connect(self.refresh_status)
        self._timer.start()
        listen = getattr(services.sync, "add_listener", None)
        if callable(listen):
            self._sync_bridge = _SyncBridge(self)
            self._sync_bridge.changed.connect(self.refresh_status)
            listen(self._sync_bridge.emit)
        if self.keys:
            self.menu.setCurrentRow(0)
        self.refresh_status()

    # ------------------------------------------------------------- navigation
    def open_screen(self, key: str, matricula: str = "") -> None:
        """Show screen ``key`` (if the role has it); with ``matricula``, search it there."""
        if key not in self.screens:
            return
        row = self.keys.index(key)
        screen = self.screens[key]
        if self.menu.currentRow() == row:
            screen.on_enter()  # Ctrl+N on the open screen: focus back to its first field
        else:
            self.menu.setCurrentRow(row)
        if matricula and hasattr(screen, "open_matricula"):
            screen.open_matricula(matricula)

    def current_screen(self):
        """The visible screen."""
        return self.stack.currentWidget()

    def _on_menu(self, row: int) -> None:
        if row < 0:
            return
        screen = self.screens[self.keys[row]]
        self.stack.setCurrentWidget(screen)
        screen.on_enter()

    def _sign_out(self) -> None:
        self.services.sign_out()
        self.signedOut.emit()
        self.close()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        for screen in self.screens.values():
            shutdown = getattr(screen, "shutdown", None)
            if callable(shutdown):
                shutdown()
        self._timer.stop()
        super().closeEvent(event)

    # ------------------------------------------------------------- status bar
    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        bar.setSizeGripEnabled(False)
        self.online_label = QLabel()
        self.pending_label = QLabel()
        self.user_label = QLabel()
        self.campus_label = QLabel()
        self.busy_label = QLabel()
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setFixedWidth(120)
        self.busy_bar.setTextVisible(False)
        self.busy_bar.hide()
        bar.addWidget(self.online_label)
        bar.addWidget(self.pending_label)
        bar.addWidget(self.busy_bar)
        bar.addWidget(self.busy_label, 1)
        bar.addPermanentWidget(self.user_label)
        bar.addPermanentWidget(self.campus_label)
        session = self.services.session
        if session is not None:
            self.user_label.setText(self.tr("Usuario: {0} ({1})").format(session.display_name,
                                                                          domain_text(session.actor.role.label)))
        self.campus_label.setText(self.tr("Plantel: {0}").format(self.services.campus_label()))

    def refresh_status(self) -> None:
        """Update online/offline and the pending uploads count."""
        online = self.services.online
        self.online_label.setText(self.tr("● En línea") if online else self.tr("● Sin conexión"))
        self.online_label.setObjectName("online" if online else "offline")
        self.online_label.setToolTip(self.services.last_error or "")
        repolish(self.online_label)
        try:
            pending = self.services.pending_count()
        except Exception:  # store closed during shutdown
            return
        self.pending_label.setText(self.tr("Pendientes de enviar: {0}").format(pending))

    def _on_busy(self, count: int, label: str) -> None:
        self.busy_bar.setVisible(count > 0)
        if count == 0:
            self.busy_label.clear()
        elif label:
            self.busy_label.setText(label)


class _SyncBridge(QWidget):
    """Carries sync-service notifications (any thread) to the GUI thread."""

    changed = Signal()

    def emit(self, *args) -> None:
        self.changed.emit()


def default_screens() -> dict:
    """The screens of manual §5–§13 plus Sincronización and Ajustes, in menu order."""
    from PySide6.QtCore import QCoreApplication

    from station.domain.requests import HANDLERS
    from ui.screens.accounts import AccountsScreen
    from ui.screens.capture import CaptureScreen
    from ui.screens.consult import ConsultScreen
    from ui.screens.deliver import DeliverScreen
    from ui.screens.home import HomeScreen
    from ui.screens.mail import MailScreen
    from ui.screens.print_temp import PrintTemporaryScreen
    from ui.screens.reject import RejectScreen
    from ui.screens.requests import RequestQueueScreen, RequestsScreen
    from ui.screens.sae_import import SaeImportScreen
    from ui.screens.settings import SettingsScreen
    from ui.screens.sync import SyncScreen
    from ui.screens.validate import ValidateScreen

    t = lambda s: QCoreApplication.translate("Menu", s)  # noqa: E731
    return {
        "home": (t("Inicio"), None, HomeScreen),
        "sae": (t("Importar alumno SAE"), Command.IMPORT_SAE, SaeImportScreen),
        "capture": (t("Toma de biométricos"), Command.CAPTURE, CaptureScreen),
        "print": (t("Imprimir temporal"), Command.PRINT_TEMPORARY, PrintTemporaryScreen),
        "validate": (t("Validar datos alumno"), Command.VALIDATE, ValidateScreen),
        "reject": (t("Rechazar / reimprimir"), Command.REJECT_REPRINT, RejectScreen),
        "deliver": (t("Entregar credencial"), Command.DELIVER, DeliverScreen),
        "consult": (t("Consultar alumno"), None, ConsultScreen),
        "accounts": (t("Cuentas institucionales"), Command.SET_INSTITUTIONAL_EMAIL, AccountsScreen),
        "mail": (t("Avisos por correo"), frozenset({Role.SUPERVISOR, Role.STATE_OFFICE}), MailScreen),
        "requests": (t("Solicitudes"), None, RequestsScreen),
        "request_queue": (t("Atender solicitudes"), HANDLERS, RequestQueueScreen),
        "sync": (t("Sincronización"), None, SyncScreen),
        "settings": (t("Ajustes y dispositivos"), None, SettingsScreen),
    }
