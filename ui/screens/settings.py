"""«Ajustes y dispositivos»: choose and test the camera and the signature pad.

The camera list comes from ``drivers.camera.list_cameras`` (bounded probes,
off the GUI thread); «Probar cámara» reads one frame and shows it; «Probar
pad» opens the chosen pad in a signature panel. «Guardar» writes
``config.toml`` (the station's configuration file)."""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QHBoxLayout, QLabel, QVBoxLayout

from ui.printing import card_printer_enabled, set_card_printer
from ui.screens.base import Screen
from ui.widgets.controls import button, card, repolish
from ui.widgets.images import ImageBox
from ui.workers import error_text

# Labels marked for lupdate; translated with self.tr() where shown.
PAD_NAMES = (("topaz", QT_TRANSLATE_NOOP("SettingsScreen", "Pad Topaz (USB)")),
             ("sigweb", QT_TRANSLATE_NOOP("SettingsScreen", "Pad Topaz vía SigWeb")),
             ("onscreen", QT_TRANSLATE_NOOP("SettingsScreen", "Pad en pantalla (mouse, táctil o lápiz)")),
             ("virtual", QT_TRANSLATE_NOOP("SettingsScreen", "Pad Topaz virtual (demostración)")))


class SettingsScreen(Screen):
    """Device settings and tests."""

    def __init__(self, services, parent=None):
        super().__init__(services, self.tr("Ajustes y dispositivos"),
                         self.tr("Elija y pruebe la cámara y el pad de firma de esta estación."), parent)
        self.pad_panel = None
        row = QHBoxLayout()
        cam_card, cam = card(self.tr("Cámara"))
        form = QFormLayout()
        self.camera_combo = QComboBox()
        self.camera_combo.setMinimumWidth(300)
        form.addRow(self.tr("Cámara:"), self.camera_combo)
        cam.addLayout(form)
        buttons = QHBoxLayout()
        self.list_button = button(self.tr("Buscar cámaras"), slot=self.list_cameras)
        self.test_camera_button = button(self.tr("Probar cámara"), "primary", self.test_camera)
        buttons.addWidget(self.list_button)
        buttons.addWidget(self.test_camera_button)
        buttons.addStretch(1)
        cam.addLayout(buttons)
        self.camera_result = QLabel()
        self.camera_result.setWordWrap(True)
        cam.addWidget(self.camera_result)
        self.preview = ImageBox(self.tr("Sin imagen de prueba"), 360, 203)  # 16:9; 400 px scrolled sideways at 1024×768
        cam.addWidget(self.preview)
        cam.addStretch(1)
        row.addWidget(cam_card, 1)

        pad_card, pad = card(self.tr("Pad de firma"))
        form = QFormLayout()
        self.pad_combo = QComboBox()
        for code, name in PAD_NAMES:
            self.pad_combo.addItem(self.tr(name), code)
        form.addRow(self.tr("Pad:"), self.pad_combo)
        pad.addLayout(form)
        buttons = QHBoxLayout()
        self.test_pad_button = button(self.tr("Probar pad"), "primary", self.test_pad)
        buttons.addWidget(self.test_pad_button)
        buttons.addStretch(1)
        pad.addLayout(buttons)
        self.pad_box = QVBoxLayout()
        self.pad_box.addStretch(1)  # keeps the card's title and combo at the top until a test pad shows
        pad.addLayout(self.pad_box, 1)
        row.addWidget(pad_card, 1)
        self.body.addLayout(row)
        print_card, print_layout = card(self.tr("Impresión de la credencial temporal"))
        self.card_printer_check = QCheckBox(self.tr("Impresora de tarjetas CR80 (Evolis, Zebra, Fargo): una tarjeta por "
                                                    "página, frente y reverso"))
        self.card_printer_check.setToolTip(self.tr("Sin marcar: hoja carta con marcas de corte, impresa al 100 %."))
        self.card_printer_check.setChecked(card_printer_enabled())
        self.card_printer_check.toggled.connect(set_card_printer)
        print_layout.addWidget(self.card_printer_check)
        self.body.addWidget(print_card)
        save_row = QHBoxLayout()
        self.save_button = button(self.tr("Guardar ajustes"), "primary", self.save)
        self.wizard_button = button(self.tr("Asistente de configuración…"), slot=self.run_wizard)
        self.wizard_button.setToolTip(self.tr("Servidor, registro de la estación, plantel, cámara y pad "
                                              "(requiere un usuario administrador)."))
        self.config_label = QLabel()
        self.config_label.setObjectName("subtitle")
        save_row.addWidget(self.config_label, 1)
        save_row.addWidget(self.wizard_button)
        save_row.addWidget(self.save_button)
        self.body.addLayout(save_row)
        self.body.addStretch(1)
        self._fill()

    def run_wizard(self) -> None:
        """Run the first-run setup wizard again (manual §4 installer steps); the
        new configuration applies at the next start of the station."""
        from ui.setup_wizard import run_setup_wizard

        if run_setup_wizard(self):
            self.config_label.setText(self.tr("Configuración guardada; se aplicará al reiniciar la estación."))

    def _fill(self) -> None:
        config = self.services.config
        self.camera_combo.clear()
        self.camera_combo.addItem(self.tr("Foto de demostración (sin cámara)"), "demo")
        if config.camera not in ("demo",) and not config.camera.isdigit():
            self.camera_combo.addItem(self.tr("Archivo: {0}").format(config.camera), config.camera)
        for i in range(2):
            self.camera_combo.addItem(self.tr("Cámara {0}").format(i), str(i))
        self._select(self.camera_combo, config.camera)
        self._select(self.pad_combo, config.pad)

    @staticmethod
    def _select(combo: QComboBox, value: str) -> None:
        index = combo.findData(value)
        if index >= 0:
            combo.setCurrentIndex(index)

    def list_cameras(self) -> None:
        """Probe the cameras (bounded) and list them."""
        from drivers.camera import list_cameras

        def show(cameras) -> None:
            current = self.camera_combo.currentData()
            while self.camera_combo.count() > 1:
                self.camera_combo.removeItem(1)
            for cam in cameras:
                state = "" if cam.available else self.tr(" (no disponible)")
                self.camera_combo.addItem(f"{cam.name} [{cam.index}]{state}", str(cam.index))
            self._select(self.camera_combo, current)
            found = (self.tr("1 cámara encontrada.") if len(cameras) == 1 else
                     self.tr("{0} cámaras encontradas.").format(len(cameras)))
            self.camera_result.setText(found if cameras else self.tr("No se encontró ninguna cámara conectada."))
            self.camera_result.setObjectName("ok" if cameras else "notice")  # «none found» is not good news
            repolish(self.camera_result)

        self.run(lambda: list_cameras(probe_resolutions=False), show, self.tr("Buscando cámaras…"))

    def test_camera(self) -> None:
        """Open the chosen camera, read one frame and show it."""
        spec = self.camera_combo.currentData()

        def grab():
            import cv2

            from drivers.desk import grab_frame

            frame = grab_frame(spec, timeout_s=5.0)
            ok, data = cv2.imencode(".jpg", frame)
            return frame.shape[1], frame.shape[0], data.tobytes()

        def show(result) -> None:
            width, height, data = result
            self.preview.set_bytes(data)
            self.camera_result.setObjectName("ok")
            self.camera_result.setText(self.tr("Cámara funcionando: imagen de {0}×{1} px.").format(width, height))
            self.camera_result.style().polish(self.camera_result)

        def failed(exc) -> None:
            self.preview.set_bytes(None)
            self.camera_result.setObjectName("error")
            self.camera_result.setText(error_text(exc))
            self.camera_result.style().polish(self.camera_result)

        self.run(grab, show, self.tr("Probando cámara…"), failed)

    def test_pad(self) -> None:
        """Open the chosen pad in a signature panel (sign, Limpiar, Capturar firma)."""
        from drivers.signature import PadError, create_pad
        from ui.widgets.signature_pad import SignaturePanel

        if self.pad_panel is not None:
            self.pad_panel.shutdown()
            self.pad_panel.deleteLater()
            self.pad_panel = None
        try:
            pad = create_pad(self.pad_combo.currentData())
        except PadError as exc:
            self.message.error(error_text(exc))
            return
        self.pad_panel = SignaturePanel(pad)
        self.pad_panel.setMinimumHeight(260)
        self.pad_box.insertWidget(0, self.pad_panel, 1)
        self.pad_panel.start()

    def shutdown(self) -> None:
        """Close the test pad."""
        if self.pad_panel is not None:
            self.pad_panel.shutdown()
            self.pad_panel = None

    def save(self) -> None:
        """Write the chosen camera and pad to the configuration file."""
        from station.config import save_config

        config = self.services.config
        config.camera = self.camera_combo.currentData()
        config.pad = self.pad_combo.currentData()
        self.run(lambda: save_config(config),
                 lambda path: self.message.ok(self.tr("Ajustes guardados en {0}. Se usan desde la próxima toma.")
                                              .format(path)),
                 self.tr("Guardando ajustes…"))
