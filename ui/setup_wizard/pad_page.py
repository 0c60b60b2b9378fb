"""Page 5, «Pad de firma»: choose the pad and sign a test signature."""
from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QVBoxLayout

from ui.setup_wizard.base import BAD_STYLE, BUSY_STYLE, OK_STYLE, WizardPageBase, _error_text

#: Pad kinds offered, in order (names of :data:`drivers.signature.PAD_KINDS`).
PAD_CHOICES = ("topaz", "sigweb", "onscreen", "virtual")

if TYPE_CHECKING:
    from ui.setup_wizard.wizard import SetupWizard


class PadPage(WizardPageBase):
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
