"""Direct printing of the temporary credential (manual §8 step 9, §9).

«Imprimir» generates the PDF off the GUI thread (it is also saved under the
station's data folder, ``credenciales/``), then opens Qt's print preview at
100 % with the last printer used preselected. The page is painted at its real
size (full page, no «fit to page»), so the card keeps its CR80 size
(85.60 × 53.98 mm). Two layouts, chosen in «Ajustes»: a letter page with cut
marks (any office printer) or one CR80 page per side for card printers
(Evolis, Zebra, Fargo). The preview's toolbar keeps «Guardar PDF…».
"""
from __future__ import annotations

import os
import shutil
from datetime import datetime
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


def save_credential_pdf(data_dir: Path | str, matricula: str, pdf: bytes) -> Path:
    """Write ``pdf`` to ``<data_dir>/credenciales/credencial-<matrícula>-<fecha>.pdf``; returns the path."""
    folder = Path(data_dir) / "credenciales"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"credencial-{matricula}-{datetime.now():%Y%m%d-%H%M%S}.pdf"
    path.write_bytes(pdf)
    return path


def generate_credential(services, matricula: str, card_printer: bool = False):
    """Worker-thread half: PDF + ``print_temporary`` command, saved to disk.
    Returns ``(path, student)``."""
    pdf, student = services.print_temporary(matricula, card_printer=card_printer)
    return save_credential_pdf(services.config.data_dir, student.matricula, pdf), student


def render_pages(pdf_path: Path | str, dpi: float) -> list[QImage]:
    """The PDF's pages as images at ``dpi`` (pypdfium2; capped at :data:`MAX_DPI`)."""
    import pypdfium2 as pdfium

    dpi = min(float(dpi), MAX_DPI)
    images = []
    doc = pdfium.PdfDocument(str(pdf_path))
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


def page_size_mm(pdf_path: Path | str) -> QSizeF:
    """Size of the PDF's first page in millimetres."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf_path))
    try:
        w, h = doc[0].get_size()
    finally:
        doc.close()
    return QSizeF(w * 25.4 / 72.0, h * 25.4 / 72.0)


def paint_pdf(printer, pdf_path: Path | str) -> None:
    """Paint every page of ``pdf_path`` on ``printer`` at real size (full page, 100 %)."""
    images = render_pages(pdf_path, printer.resolution())
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


def configure_printer(printer, pdf_path: Path | str) -> None:
    """Page size from the PDF (letter or CR80), no margins, full page, the remembered printer."""
    from PySide6.QtPrintSupport import QPrinterInfo

    size = page_size_mm(pdf_path)
    orientation = QPageLayout.Orientation.Landscape if size.width() > size.height() else QPageLayout.Orientation.Portrait
    portrait = QSizeF(min(size.width(), size.height()), max(size.width(), size.height()))
    name = settings().value(PRINTER_KEY, "", type=str)
    if name and name in QPrinterInfo.availablePrinterNames():
        printer.setPrinterName(name)
    printer.setFullPage(True)
    printer.setPageSize(QPageSize(portrait, QPageSize.Unit.Millimeter, "CR80" if portrait.width() < 60 else ""))
    printer.setPageOrientation(orientation)
    printer.setPageMargins(printer.pageLayout().margins().__class__(0, 0, 0, 0), QPageLayout.Unit.Millimeter)
    printer.setDocName(Path(pdf_path).stem)


class CredentialPrinter:
    """Generates, saves and prints a temporary credential for a screen.

    ``parent`` owns the dialogs. ``interactive`` False (tests, screenshots,
    ``CREDENCIALIZACION_NO_OPEN_PDF``) only saves the PDF. ``last_dialog`` is
    the preview dialog while it is open (tests).
    """

    def __init__(self, parent: QWidget):
        self.parent = parent
        self.interactive = not (os.environ.get(NO_OPEN_ENV) or os.environ.get("QT_QPA_PLATFORM") == "offscreen")
        self.last_dialog = None
        self.printer = None

    def print_credential(self, services, matricula: str, message, done: Callable) -> None:
        """Run the generation on a worker, then the preview; ``done(path, student)`` on success.
        ``message`` is the screen's :class:`MessageLabel`."""
        card = card_printer_enabled()

        def finished(result) -> None:
            path, student = result
            text = _t("Credencial temporal de {0} lista ({1}.ª impresión).").format(student.matricula,
                                                                                   student.reprint_count)
            message.ok(text)
            done(path, student)
            if self.interactive:
                printed = self.preview(path)
                message.ok(text + " " + (_t("Enviada a la impresora.") if printed else
                                         _t("No se imprimió; el PDF quedó en {0}.").format(path)))
            else:
                message.ok(text + " " + _t("PDF: {0}").format(path))

        self.parent.run(lambda: generate_credential(services, matricula, card), finished,
                        _t("Generando credencial temporal…"))

    def preview(self, pdf_path: Path | str, exec_dialog: bool = True):
        """Qt's print preview at 100 % for ``pdf_path``; True when it was printed.
        With ``exec_dialog`` False the dialog is returned unopened (tests)."""
        from PySide6.QtGui import QAction
        from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog, QPrintPreviewWidget
        from PySide6.QtWidgets import QToolBar

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        configure_printer(printer, pdf_path)
        dialog = QPrintPreviewDialog(printer, self.parent)
        self.printer = printer  # the dialog does not own it: keep it alive as long as the dialog
        dialog.setWindowTitle(_t("Imprimir credencial temporal"))
        dialog.paintRequested.connect(lambda p: paint_pdf(p, pdf_path))
        widget = dialog.findChild(QPrintPreviewWidget)
        if widget is not None:
            widget.setZoomMode(QPrintPreviewWidget.ZoomMode.CustomZoom)
            widget.setZoomFactor(1.0)
        toolbar = dialog.findChild(QToolBar)
        if toolbar is not None:
            save = QAction(_t("Guardar PDF…"), dialog)
            save.setObjectName("savePdf")
            save.triggered.connect(lambda: self.save_copy(pdf_path, dialog))
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

    def save_copy(self, pdf_path: Path | str, parent: QWidget | None = None) -> Path | None:
        """«Guardar PDF…»: copy the credential where the operator chooses (Qt's own, translated file dialog)."""
        dialog = self.file_dialog(pdf_path, parent)
        if dialog.exec() != QFileDialog.DialogCode.Accepted or not dialog.selectedFiles():
            return None
        target = Path(dialog.selectedFiles()[0])
        if target.suffix.lower() != ".pdf":
            target = target.with_suffix(".pdf")
        shutil.copyfile(pdf_path, target)
        return target

    def file_dialog(self, pdf_path: Path | str, parent: QWidget | None = None) -> QFileDialog:
        """The «Guardar PDF» dialog, unopened (tests look at its texts)."""
        dialog = QFileDialog(parent or self.parent, _t("Guardar credencial en PDF"), str(Path.home() / Path(pdf_path).name),
                             _t("Documentos PDF (*.pdf)"))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setDefaultSuffix("pdf")
        return dialog
