"""Direct printing of the temporary credential (manual §8 step 9, §9).

«Imprimir» generates the PDF off the GUI thread and keeps it in memory only —
it holds a minor's photo, signature and CURP, so it is never written under the
data folder (issue 14 §1) — then opens Qt's print preview at 100 % with the
last printer used preselected; the pages are painted from memory. The page is painted at its real
size (full page, no «fit to page»), so the card keeps its CR80 size
(85.60 × 53.98 mm). Two layouts, chosen in «Ajustes»: a letter page with cut
marks (any office printer) or one CR80 page per side for card printers
(Evolis, Zebra, Fargo). The preview's toolbar keeps «Guardar PDF…» (an explicit copy where the operator chooses).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QCoreApplication, QSettings, QSizeF
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtWidgets import QFileDialog, QWidget

#: Set ``CREDENCIALIZACION_NO_OPEN_PDF=1`` to only save (tests, screenshots): no dialog.
NO_OPEN_ENV = "CREDENCIALIZACION_NO_OPEN_PDF"
#: QSettings keys.
PRINTER_KEY = "impresion/impresora"
CARD_PRINTER_KEY = "impresion/tarjeta_cr80"
#: Render resolution cap (dpi) for the painted pages.
MAX_DPI = 300

CR80_MM = QSizeF(85.60, 53.98)


def _t(text: str) -> str:
    return QCoreApplication.translate("CredentialPrinter", text)


def settings() -> QSettings:
    """The desk's printing preferences (per OS user)."""
    return QSettings("credencializacion", "estacion")


def card_printer_enabled() -> bool:
    """True when «Impresora de tarjetas (CR80)» is chosen in Ajustes."""
    return settings().value(CARD_PRINTER_KEY, False, type=bool)


def set_card_printer(enabled: bool) -> None:
    """Remember the layout for the next prints."""
    settings().setValue(CARD_PRINTER_KEY, bool(enabled))


def generate_credential(services, matricula: str, card_printer: bool = False):
    """Worker-thread half: PDF + ``print_temporary`` command; nothing written to disk.
    Returns ``(pdf bytes, student)``."""
    return services.print_temporary(matricula, card_printer=card_printer)


def render_pages(pdf: bytes, dpi: float) -> list[QImage]:
    """The PDF's pages (bytes, in memory) as images at ``dpi`` (pypdfium2; capped at :data:`MAX_DPI`)."""
    import pypdfium2 as pdfium

    dpi = min(float(dpi), MAX_DPI)
    images = []
    doc = pdfium.PdfDocument(pdf)
    try:
        for page in doc:
            bitmap = page.render(scale=dpi / 72.0)
            pil = bitmap.to_pil().convert("RGB")
            data = pil.tobytes()
            image = QImage(data, pil.width, pil.height, 3 * pil.width, QImage.Format.Format_RGB888).copy()
            images.append(image)
            page.close()
    finally:
        doc.close()
    return images


def page_size_mm(pdf: bytes) -> QSizeF:
    """Size of the PDF's first page in millimetres."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        w, h = doc[0].get_size()
    finally:
        doc.close()
    return QSizeF(w * 25.4 / 72.0, h * 25.4 / 72.0)


def paint_pdf(printer, pdf: bytes) -> None:
    """Paint every page of ``pdf`` on ``printer`` at real size (full page, 100 %)."""
    images = render_pages(pdf, printer.resolution())
    painter = QPainter()
    if not painter.begin(printer):
        return
    try:
        for i, image in enumerate(images):
            if i:
                printer.newPage()
            target = printer.paperRect(printer.Unit.DevicePixel)
            painter.drawImage(target, image)
    finally:
        painter.end()


def configure_printer(printer, pdf: bytes, name_hint: str = "credencial") -> None:
    """Page size from the PDF (letter or CR80), no margins, full page, the remembered printer."""
    from PySide6.QtPrintSupport import QPrinterInfo

    size = page_size_mm(pdf)
    orientation = QPageLayout.Orientation.Landscape if size.width() > size.height() else QPageLayout.Orientation.Portrait
    portrait = QSizeF(min(size.width(), size.height()), max(size.width(), size.height()))
    name = settings().value(PRINTER_KEY, "", type=str)
    if name and name in QPrinterInfo.availablePrinterNames():
        printer.setPrinterName(name)
    printer.setFullPage(True)
    printer.setPageSize(QPageSize(portrait, QPageSize.Unit.Millimeter, "CR80" if portrait.width() < 60 else ""))
    printer.setPageOrientation(orientation)
    printer.setPageMargins(printer.pageLayout().margins().__class__(0, 0, 0, 0), QPageLayout.Unit.Millimeter)
    printer.setDocName(name_hint)


class CredentialPrinter:
    """Generates, saves and prints a temporary credential for a screen.

    ``parent`` owns the dialogs. ``interactive`` False (tests, screenshots,
    ``CREDENCIALIZACION_NO_OPEN_PDF``) only generates the PDF (in memory). ``last_dialog`` is
    the preview dialog while it is open (tests).
    """

    def __init__(self, parent: QWidget):
        self.parent = parent
        self.interactive = not (os.environ.get(NO_OPEN_ENV) or os.environ.get("QT_QPA_PLATFORM") == "offscreen")
        self.last_dialog = None
        self.printer = None

    def print_credential(self, services, matricula: str, message, done: Callable) -> None:
        """Run the generation on a worker, then the preview; ``done(pdf bytes, student)`` on success.
        ``message`` is the screen's :class:`MessageLabel`."""
        card = card_printer_enabled()

        def finished(result) -> None:
            pdf, student = result
            text = _t("Credencial temporal de {0} lista ({1}.ª impresión).").format(student.matricula,
                                                                                   student.reprint_count)
            message.ok(text)
            done(pdf, student)
            if self.interactive:
                printed = self.preview(pdf, name_hint=f"credencial-{student.matricula}")
                message.ok(text + " " + (_t("Enviada a la impresora.") if printed else
                                         _t("No se imprimió; no quedó copia en el equipo.")))

        self.parent.run(lambda: generate_credential(services, matricula, card), finished,
                        _t("Generando credencial temporal…"))

    def preview(self, pdf: bytes, exec_dialog: bool = True, name_hint: str = "credencial"):
        """Qt's print preview at 100 % for ``pdf`` (bytes, in memory); True when it was printed.
        With ``exec_dialog`` False the dialog is returned unopened (tests)."""
        from PySide6.QtGui import QAction
        from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog, QPrintPreviewWidget
        from PySide6.QtWidgets import QToolBar

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        configure_printer(printer, pdf, name_hint)
        dialog = QPrintPreviewDialog(printer, self.parent)
        self.printer = printer  # the dialog does not own it: keep it alive as long as the dialog
        dialog.setWindowTitle(_t("Imprimir credencial temporal"))
        dialog.paintRequested.connect(lambda p: paint_pdf(p, pdf))
        widget = dialog.findChild(QPrintPreviewWidget)
        if widget is not None:
            widget.setZoomMode(QPrintPreviewWidget.ZoomMode.CustomZoom)
            widget.setZoomFactor(1.0)
        toolbar = dialog.findChild(QToolBar)
        if toolbar is not None:
            save = QAction(_t("Guardar PDF…"), dialog)
            save.setObjectName("savePdf")
            save.triggered.connect(lambda: self.save_copy(pdf, dialog, name_hint))
            toolbar.addSeparator()
            toolbar.addAction(save)
        dialog.resize(min(1000, self.parent.screen().availableGeometry().width() - 40),
                      min(700, self.parent.screen().availableGeometry().height() - 60))
        self.last_dialog = dialog
        if not exec_dialog:
            return dialog
        accepted = dialog.exec() == QPrintPreviewDialog.DialogCode.Accepted
        if accepted and printer.printerName():
            settings().setValue(PRINTER_KEY, printer.printerName())
        self.last_dialog = None
        return accepted

    def save_copy(self, pdf: bytes, parent: QWidget | None = None, name_hint: str = "credencial") -> Path | None:
        """«Guardar PDF…»: write the credential where the operator chooses (Qt's own, translated file dialog)."""
        dialog = self.file_dialog(name_hint + ".pdf", parent)
        if dialog.exec() != QFileDialog.DialogCode.Accepted or not dialog.selectedFiles():
            return None
        target = Path(dialog.selectedFiles()[0])
        if target.suffix.lower() != ".pdf":
            target = target.with_suffix(".pdf")
        target.write_bytes(pdf)
        return target

    def file_dialog(self, file_name: str, parent: QWidget | None = None) -> QFileDialog:
        """The «Guardar PDF» dialog, unopened (tests look at its texts)."""
        dialog = QFileDialog(parent or self.parent, _t("Guardar credencial en PDF"), str(Path.home() / Path(file_name).name),
                             _t("Documentos PDF (*.pdf)"))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setDefaultSuffix("pdf")
        return dialog
