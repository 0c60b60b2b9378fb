"""First-run setup wizard of the station (issue 9; manual §3–4 done by the installer).

Pages, in order:

1. **Servidor** — server URL and «Probar conexión» (``GET /health`` off the GUI
   thread); a failure shows the real cause in Spanish (DNS, TLS, refused,
   timeout, HTTP status) from :class:`station.api.ApiError`.
2. **Registro de la estación** — station id + an administrator's user and
   password: login, the station's Ed25519 key from the OS keyring
   (:func:`station.secrets.get_or_create_signing_key`, created on first use),
   ``POST /stations`` with its public half, ``GET /campuses``, logout. The
   admin's password is never stored; the secret key never leaves the keyring.
   On a re-run an already registered station may keep its registration.
3. **Plantel** — the planteles this desk serves (from ``GET /campuses``).
4. **Cámara** — the cameras found (:func:`drivers.camera.list_cameras`, off
   the GUI thread) or the demo photo, with a live preview.
5. **Pad de firma** — Topaz USB, SigWeb, on-screen or virtual, with a test
   signature in :class:`ui.widgets.signature_pad.SignaturePanel`.
6. **Resumen** — what will be saved; «Guardar» writes ``config.toml`` with
   :func:`station.config.save_config`.

Call :func:`run_setup_wizard` on first start (:func:`needs_setup`) and from
Ajustes. Every network, keyring and device call runs on a worker thread and
reports back through a queued Qt signal, so the window never freezes.
"""
from __future__ import annotations

import re
import socket
import threading
from dataclasses import dataclass, field, replace
from typing import Any, Callable
from urllib.parse import urlparse

import numpy as np
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QApplication, QCheckBox, QComboBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem,
    QPushButton, QSizePolicy, QVBoxLayout, QWidget, QWizard, QWizardPage,
)

from station.config import Config, ConfigError, load_config, save_config

#: ``POST /stations`` accepts this station id pattern (server.schemas.StationIn).
STATION_ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

#: Pad kinds offered, in order (names of :data:`drivers.signature.PAD_KINDS`).
PAD_CHOICES = ("topaz", "sigweb", "onscreen", "virtual")

OK_STYLE = "color: #1b5e20;"
BAD_STYLE = "color: #b71c1c; font-weight: bold;"
BUSY_STYLE = "color: #455a64;"


def needs_setup(config: Config | None = None) -> bool:
    """True when the station has not been set up (no ``station_id`` or no ``server_url``)."""
    try:
        config = config or load_config()
    except ConfigError:
        return True
    return not (config.station_id and config.server_url)


def suggested_station_id() -> str:
    """``EST-<HOSTNAME>`` reduced to the characters the server accepts (≤ 64)."""
    host = re.sub(r"[^A-Za-z0-9._-]", "-", socket.gethostname().split(".")[0]).strip("-") or "ESTACION"
    return f"EST-{host.upper()}"[:64]


def normalize_url(text: str) -> str:
    """Strip spaces and the trailing slash. Raises ``ValueError`` (Spanish) when it is not an
    ``http(s)://host[:port]`` address."""
    url = text.strip().rstrip("/")
    if not url:
        raise ValueError("Escriba la dirección del servidor central (por ejemplo https://credencializacion.plantel.mx).")
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise ValueError("La dirección del servidor debe empezar con https:// (o http:// en una red de prueba) "
                         "y llevar el nombre o la IP del servidor.")
    try:
        parsed.port  # noqa: B018 - validates the port
    except ValueError:
        raise ValueError("El puerto de la dirección del servidor no es válido.") from None
    return url


class _Task(QObject):
    """Runs ``fn`` on a daemon thread and emits ``done(result, error)`` on the GUI thread."""

    done = Signal(object, object)

    def __init__(self, fn: Callable[[], Any], callback: Callable[[Any, BaseException | None], None],
                 parent: QObject | None = None):
        super().__init__(parent)
        self._callback = callback
        self.done.connect(self._deliver)  # bound slot of a GUI-thread QObject: queued across threads
        self._fn = fn
        self.thread = threading.Thread(target=self._run, daemon=True, name="setup-wizard-task")

    def _deliver(self, result: Any, error: BaseException | None) -> None:
        self._callback(result, error)

    def _run(self) -> None:
        try:
            result, error = self._fn(), None
        except BaseException as exc:  # delivered to the GUI thread, never lost
            result, error = None, exc
        try:
            self.done.emit(result, error)
        except RuntimeError:  # the wizard was closed meanwhile
            pass


def _error_text(exc: BaseException) -> str:
    """Spanish text for an exception from the station's layers (their ``str()`` is Spanish)."""
    text = str(exc).strip()
    return text or type(exc).__name__


@dataclass
class WizardState:
    """What the pages gather. ``campuses``: ``[(code, name)]`` offered by the server."""

    server_url: str = ""
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


class _Page(QWizardPage):
    """Common helpers: a status label and running tasks that survive the page."""

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


# --------------------------------------------------------------- 1 Servidor
class ServerPage(_Page):
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


# ------------------------------------------------------- 2 Registro estación
class RegisterPage(_Page):
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
            from station.api import ApiError, ServerApi
            from station.domain.public_keys import public_key_b64
            from station.secrets import get_or_create_signing_key

            api = ServerApi(url)
            answer = api.login(user, password)
            try:
                if answer.get("user", {}).get("role") != "admin":
                    raise ApiError("forbidden", f"El usuario «{user}» no es administrador; solo un administrador "
                                                "puede registrar estaciones.")
                public = public_key_b64(get_or_create_signing_key(station_id))
                row = api.register_station(station_id, public, f"Estación {socket.gethostname()}")
                campuses = api.request("GET", "/campuses")
            finally:
                try:
                    api.logout()
                except ApiError:
                    pass
            return {"row": row, "public_key": public, "campuses": campuses}

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


# ----------------------------------------------------------------- 3 Plantel
class CampusPage(_Page):
    """Choose the planteles this desk serves."""

    def __init__(self, wizard: "SetupWizard"):
        super().__init__(wizard)
        self.setTitle(self.tr("Plantel"))
        self.setSubTitle(self.tr("Marque el plantel (o los planteles) que atiende esta estación."))
        self.list = QListWidget()
        self.list.setObjectName("campusList")
        self.list.itemChanged.connect(lambda _item: self._changed())
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.status)

    def initializePage(self) -> None:  # noqa: N802 - Qt API
        """Fill the list from the server's planteles; pre-check the configured ones."""
        self.list.blockSignals(True)
        self.list.clear()
        chosen = set(self.w.state.chosen_campuses or self.w.config.campuses)
        for code, name in self.w.state.campuses:
            item = QListWidgetItem(f"{code} — {name}" if name else code)
            item.setData(Qt.ItemDataRole.UserRole, code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if code in chosen or len(self.w.state.campuses) == 1
                               else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.list.blockSignals(False)
        if not self.w.state.campuses:
            self.show_status(self.tr("El servidor no tiene planteles dados de alta; pida a la Dirección Estatal que los "
                                     "registre."), BAD_STYLE)
        self._changed()

    def checked(self) -> list[str]:
        """Codes of the checked planteles, in list order."""
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())
                if self.list.item(i).checkState() == Qt.CheckState.Checked]

    def _changed(self) -> None:
        self.w.state.chosen_campuses = self.checked()
        if self.w.state.campuses:
            if self.w.state.chosen_campuses:
                self.show_status(self.tr("Planteles elegidos: {0}").format(", ".join(self.w.state.chosen_campuses)))
            else:
                self.show_status(self.tr("Marque al menos un plantel."), BAD_STYLE)
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802 - Qt API
        """At least one plantel checked."""
        return bool(self.checked())


# ------------------------------------------------------------------ 4 Cámara
class CameraPreview(QLabel):
    """Shows the newest frame of a :class:`drivers.camera.CameraWorker` (BGR ndarray), scaled to fit.

    Frames arrive on the camera thread; only the newest is kept and a GUI-thread
    timer paints it (~30 Hz), so a fast camera never floods the event queue.
    """

    statusChanged = Signal(str, str)  # (state, Spanish message), queued from the camera thread

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setMinimumSize(320, 240)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setStyleSheet("background: #202020; color: #eeeeee;")
        self.frames_shown = 0
        self._worker = None
        self._lock = threading.Lock()
        self._latest: np.ndarray | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(33)
        self._timer.timeout.connect(self._paint_latest)

    def start(self, spec: str) -> None:
        """Preview the source ``spec`` (camera index, ``demo`` or a file). Raises ``CameraError`` (Spanish)."""
        from drivers.camera import CameraWorker, open_source

        self.stop()
        source = open_source(spec, 1280, 720)
        self.frames_shown = 0
        self._worker = CameraWorker(source, self._on_frame,
                                    lambda status: self.statusChanged.emit(status.state, status.message))
        self._worker.start()
        self._timer.start()

    def stop(self) -> None:
        """Stop the camera thread (bounded by the worker's own timeout)."""
        self._timer.stop()
        if self._worker is not None:
            worker, self._worker = self._worker, None
            threading.Thread(target=worker.stop, daemon=True, name="camera-stop").start()
        with self._lock:
            self._latest = None

    def _on_frame(self, frame: np.ndarray, _info) -> None:
        with self._lock:
            self._latest = frame

    def _paint_latest(self) -> None:
        with self._lock:
            frame, self._latest = self._latest, None
        if frame is None:
            return
        if frame.ndim == 2:
            frame = np.dstack([frame] * 3)
        rgb = np.ascontiguousarray(frame[:, :, 2::-1])
        h, w = rgb.shape[:2]
        image = QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()
        self.setPixmap(QPixmap.fromImage(image).scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                                       Qt.TransformationMode.SmoothTransformation))
        self.frames_shown += 1


class CameraPage(_Page):
    """Choose the camera with a live preview."""

    DEMO = "demo"

    def __init__(self, wizard: "SetupWizard"):
        super().__init__(wizard)
        self.setTitle(self.tr("Cámara"))
        self.setSubTitle(self.tr("Elija la cámara web del mostrador y revise que la imagen se vea bien."))
        self.combo = QComboBox()
        self.combo.setObjectName("cameraChoice")
        self.refresh_button = QPushButton(self.tr("Buscar cámaras"))
        self.refresh_button.clicked.connect(self.refresh)
        self.found_label = QLabel()
        self.found_label.setObjectName("camerasFound")
        self.found_label.setWordWrap(True)
        self.preview = CameraPreview()
        self.preview.setObjectName("cameraPreview")
        self.preview.statusChanged.connect(self._on_status)
        self.keep_anyway = QCheckBox(self.tr("Guardar esta cámara aunque ahora no muestre imagen"))
        self.keep_anyway.setObjectName("cameraKeepAnyway")
        self.keep_anyway.toggled.connect(lambda _on: self.completeChanged.emit())
        self.combo.currentIndexChanged.connect(self._choice_changed)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Cámara:")))
        row.addWidget(self.combo, 1)
        row.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.found_label)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.keep_anyway)
        self._seen_frames = False
        self._check = QTimer(self)
        self._check.setInterval(100)
        self._check.timeout.connect(self._poll_frames)
        self._listing = False

    def initializePage(self) -> None:  # noqa: N802 - Qt API
        """List cameras (off the GUI thread) each time the page is shown."""
        self.refresh()

    def cleanupPage(self) -> None:  # noqa: N802 - Qt API
        """Going Back: stop the preview."""
        self.stop()

    def stop(self) -> None:
        """Stop the preview and its polling."""
        self._check.stop()
        self.preview.stop()

    def refresh(self) -> None:
        """List the cameras on a worker thread, then fill the choice."""
        if self._listing:
            return
        from drivers.camera import list_cameras

        self._listing = True
        self.refresh_button.setEnabled(False)
        self.show_status(self.tr("Buscando cámaras…"), BUSY_STYLE)
        self.run(lambda: list_cameras(max_index=4, probe_resolutions=False, timeout_s=2.0), self._listed)

    def _listed(self, cameras: list | None, error: BaseException | None) -> None:
        self._listing = False
        self.refresh_button.setEnabled(True)
        cameras = cameras or []
        self.combo.blockSignals(True)
        self.combo.clear()
        for cam in cameras:
            label = cam.name + ("" if cam.available else " — " + self.tr("no disponible"))
            self.combo.addItem(label, str(cam.index))
        self.combo.addItem(self.tr("Foto de demostración (sin cámara)"), self.DEMO)
        wanted = self.w.state.camera or self.w.config.camera
        index = self.combo.findData(wanted)
        self.combo.setCurrentIndex(index if index >= 0 else 0)
        self.combo.blockSignals(False)
        if error is not None:
            self.found_label.setStyleSheet(BAD_STYLE)
            self.found_label.setText(self.tr("No se pudieron listar las cámaras: {0}").format(_error_text(error)))
        elif not cameras:
            self.found_label.setStyleSheet(BAD_STYLE)
            self.found_label.setText(self.tr("No se encontró ninguna cámara conectada. Conéctela y pulse «Buscar "
                                             "cámaras», o use la foto de demostración."))
        else:
            self.found_label.setStyleSheet(OK_STYLE)
            self.found_label.setText(self.tr("Cámaras encontradas: %n", "", len(cameras)))
        self._choice_changed()

    def _choice_changed(self) -> None:
        spec = self.combo.currentData()
        self._seen_frames = False
        self.keep_anyway.setChecked(False)
        self.keep_anyway.setVisible(False)
        if spec is None:
            self.completeChanged.emit()
            return
        self.w.state.camera, self.w.state.camera_label = str(spec), self.combo.currentText()
        try:
            self.preview.start(str(spec))
        except Exception as exc:
            self.show_status(_error_text(exc), BAD_STYLE)
            self.keep_anyway.setVisible(True)
        else:
            self.show_status(self.tr("Abriendo «{0}»…").format(self.combo.currentText()), BUSY_STYLE)
            self._check.start()
        self.completeChanged.emit()

    def _poll_frames(self) -> None:
        if self.preview.frames_shown and not self._seen_frames:
            self._seen_frames = True
            self.show_status(self.tr("La cámara muestra imagen. Revise el enfoque y la luz."), OK_STYLE)
            self.completeChanged.emit()

    def _on_status(self, state: str, message: str) -> None:
        if state in ("lost", "error") and message:
            self.show_status(message, BAD_STYLE)
            self.keep_anyway.setVisible(True)
            self._seen_frames = False
            self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802 - Qt API
        """Next once the preview showed a frame (or the installer keeps a silent camera on purpose)."""
        return self.combo.currentData() is not None and (self._seen_frames or self.keep_anyway.isChecked())

    def validatePage(self) -> bool:  # noqa: N802 - Qt API
        """Leaving forward: stop the preview so the camera is free for the station."""
        self.stop()
        return True


# --------------------------------------------------------------------- 5 Pad
class PadPage(_Page):
    """Choose the signature pad and sign a test signature."""

    def __init__(self, wizard: "SetupWizard"):
        super().__init__(wizard)
        self.setTitle(self.tr("Pad de firma"))
        self.setSubTitle(self.tr("Elija el pad de firma, firme en él y pulse «Capturar firma» para probarlo."))
        self.names = {
            "topaz": self.tr("Pad Topaz USB (directo)"),
            "sigweb": self.tr("Pad Topaz vía SigWeb"),
            "onscreen": self.tr("Pad en pantalla (mouse, táctil o lápiz)"),
            "virtual": self.tr("Pad virtual (demostración)"),
        }
        self.combo = QComboBox()
        self.combo.setObjectName("padChoice")
        for kind in PAD_CHOICES:
            self.combo.addItem(self.names[kind], kind)
        self.combo.currentIndexChanged.connect(self._choice_changed)
        self.holder = QVBoxLayout()
        self.keep_anyway = QCheckBox(self.tr("Guardar este pad sin firma de prueba (el pad no está conectado ahora)"))
        self.keep_anyway.setObjectName("padKeepAnyway")
        self.keep_anyway.toggled.connect(lambda _on: self.completeChanged.emit())
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Pad:")))
        row.addWidget(self.combo, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addLayout(self.holder, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.keep_anyway)
        self.panel = None
        self.signed = False
        self._generation = 0
        self._open_done = threading.Event()
        self._open_done.set()

    def initializePage(self) -> None:  # noqa: N802 - Qt API
        """Select the configured pad and open it."""
        wanted = self.w.state.pad or self.w.config.pad
        index = self.combo.findData(wanted)
        if index >= 0 and index != self.combo.currentIndex():
            self.combo.setCurrentIndex(index)  # triggers _choice_changed
        else:
            self._choice_changed()

    def cleanupPage(self) -> None:  # noqa: N802 - Qt API
        """Going Back: release the pad."""
        self.shutdown()

    def shutdown(self) -> None:
        """Close the current pad (off the GUI thread) and drop its panel."""
        self._generation += 1
        panel, self.panel = self.panel, None
        if panel is not None:
            panel.pad.remove_listener(panel.bridge.listener)
            panel.setParent(None)
            panel.deleteLater()
            opened = self._open_done

            def close() -> None:
                opened.wait(15.0)  # never close while the driver is still opening (it is not reentrant)
                panel.pad.close()

            threading.Thread(target=close, daemon=True, name="pad-close").start()

    def _choice_changed(self) -> None:
        from drivers.signature import create_pad
        from ui.widgets.signature_pad import SignaturePanel

        self.shutdown()
        self.signed = False
        self.keep_anyway.setChecked(False)
        self.keep_anyway.setVisible(False)
        kind = self.combo.currentData()
        self.w.state.pad, self.w.state.pad_label = kind, self.combo.currentText()
        try:
            pad = create_pad(kind, {"demo": True, "pace_ms": 2.0} if kind == "virtual" else None)
        except Exception as exc:
            self.show_status(_error_text(exc), BAD_STYLE)
            self.keep_anyway.setVisible(True)
            self.completeChanged.emit()
            return
        panel = SignaturePanel(pad, self)
        panel.setObjectName("signaturePanel")
        panel.signatureCaptured.connect(self._captured)
        panel.signatureRejected.connect(lambda text: self.show_status(text, BAD_STYLE))
        self.holder.addWidget(panel)
        self.panel = panel
        generation = self._generation
        opened = self._open_done = threading.Event()

        def open_pad() -> None:
            try:
                pad.open()
            finally:
                opened.set()

        self.show_status(self.tr("Conectando con el pad…"), BUSY_STYLE)
        self.run(open_pad, lambda _res, err: self._opened(generation, err))
        self.completeChanged.emit()

    def _opened(self, generation: int, error: BaseException | None) -> None:
        if generation != self._generation or self.panel is None:
            return  # the installer chose another pad meanwhile
        from drivers.signature import PadState

        if error is not None:
            self.show_status(self.tr("No se pudo abrir el pad: {0}").format(_error_text(error)), BAD_STYLE)
            self.keep_anyway.setVisible(True)
            return
        self.panel.start()  # the pad is open already; this begins capture and shows its state
        if self.panel.pad.state == PadState.CONNECTED:
            self.show_status(self.tr("Firme en el pad y pulse «Capturar firma»."), OK_STYLE)
        else:
            self.show_status(self.tr("Conecte el pad (se detecta solo) y firme, elija otro pad, o marque la casilla "
                                     "para guardarlo sin probar."), BAD_STYLE)
            self.keep_anyway.setVisible(True)

    def _captured(self, signature) -> None:
        self.signed = True
        self.show_status(self.tr("Firma de prueba capturada ({0} trazos). El pad funciona.").format(
            len(signature.strokes)), OK_STYLE)
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802 - Qt API
        """Next after a good test signature (or keeping an absent pad on purpose)."""
        return self.signed or self.keep_anyway.isChecked()

    def validatePage(self) -> bool:  # noqa: N802 - Qt API
        """Leaving forward: release the pad so the station can open it."""
        self.shutdown()
        return True


# ----------------------------------------------------------------- 6 Resumen
class SummaryPage(_Page):
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


# ------------------------------------------------------------------ wizard
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
        self.state = WizardState(server_url=self.config.server_url, camera="", pad="")
        self.saved_path = None
        self.result_config: Config | None = None
        self._tasks: set[_Task] = set()
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
        """Run ``fn`` on a daemon thread; ``callback(result, error)`` on the GUI thread."""
        task = _Task(fn, lambda res, err: self._task_done(task, callback, res, err), self)
        self._tasks.add(task)
        task.thread.start()

    def _task_done(self, task: _Task, callback, result, error) -> None:
        self._tasks.discard(task)
        callback(result, error)

    @property
    def busy(self) -> bool:
        """True while a worker task (connection test, registration, device probe) is running."""
        return bool(self._tasks)

    def save(self) -> None:
        """Write the gathered values over the current configuration. Raises ``OSError``."""
        s = self.state
        config = replace(self.config, server_url=s.server_url, station_id=s.station_id,
                         campuses=list(s.chosen_campuses), camera=s.camera or self.config.camera,
                         pad=s.pad or self.config.pad)
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
