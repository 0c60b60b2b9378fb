"""The account slip at the desk (issue 20 item 5): when a looked-up student has
a newly created institutional account whose one-time password was never
handed over, the desk is offered to print the slip — once. The PDF goes from
memory to the printer (never to disk); a second print is refused by the
server with its Spanish message (a password reset request is needed).
"""
from __future__ import annotations

import os

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QMessageBox

from station.domain import Role

DESK_ROLES = (Role.OPERATOR, Role.SUPERVISOR)


def _t(text: str) -> str:
    return QCoreApplication.translate("AccountSlip", text)


def paint_pdf_bytes(printer, pdf: bytes) -> None:
    """Paint every page of ``pdf`` (bytes) full-page on ``printer``."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    painter = QPainter()
    if not painter.begin(printer):
        doc.close()
        return
    try:
        for index, page in enumerate(doc):
            pil = page.render(scale=min(printer.resolution(), 300) / 72.0).to_pil().convert("RGB")
            image = QImage(pil.tobytes(), pil.width, pil.height, 3 * pil.width, QImage.Format.Format_RGB888)
            if index:
                printer.newPage()
            painter.drawImage(printer.paperRect(printer.Unit.DevicePixel), image)
    finally:
        painter.end()
        doc.close()


class SlipOffer:
    """Offers and prints the slip for a screen (any :class:`ui.screens.base.Screen`).

    The printer is chosen before the server hands the password over (a
    cancelled dialog leaves the slip pending). ``confirm(address) -> bool``
    is replaceable (tests); non-interactive runs (offscreen,
    ``CREDENCIALIZACION_NO_OPEN_PDF``) keep the last PDF in ``last_pdf``
    instead of printing.
    """

    def __init__(self, screen):
        self.screen = screen
        self.interactive = not (os.environ.get("CREDENCIALIZACION_NO_OPEN_PDF")
                                or os.environ.get("QT_QPA_PLATFORM") == "offscreen")
        self.last_pdf: bytes | None = None
        self.confirm = self._confirm

    def check(self, matricula: str) -> None:
        """After a lookup: ask the server (worker thread) whether a slip waits; offer it."""
        services = self.screen.services
        if services.role not in DESK_ROLES:
            return
        self.screen.run(lambda: services.accounts.pending_slip(matricula),
                        lambda address: self._offer(matricula, address) if address else None,
                        _t("Consultando cuenta de correo…"))

    def _offer(self, matricula: str, address: str) -> None:
        if not self.confirm(address):
            self.screen.message.ok(_t("La hoja de la cuenta {0} queda pendiente; se ofrecerá en la próxima "
                                      "búsqueda del alumno.").format(address))
            return
        # Choose the printer *before* the server hands the password over and destroys it.
        printer = self.choose_printer() if self.interactive else None
        if self.interactive and printer is None:
            self.screen.message.ok(_t("Impresión cancelada; la hoja de la cuenta {0} sigue pendiente.").format(address))
            return
        self.screen.run(lambda: self.screen.services.accounts.print_slip(matricula),
                        lambda pdf: self._print(pdf, printer), _t("Generando la hoja de la cuenta…"))

    def _print(self, pdf: bytes, printer) -> None:
        self.last_pdf = pdf
        if printer is not None:
            paint_pdf_bytes(printer, pdf)
        self.screen.message.ok(_t("Hoja de la cuenta de correo impresa. Entréguela al alumno: no se puede "
                                  "volver a imprimir."))

    def _confirm(self, address: str) -> bool:
        if not self.interactive:
            return True
        answer = QMessageBox.question(
            self.screen, _t("Cuenta de correo institucional"),
            _t("El alumno tiene una cuenta nueva: {0}.\n\n¿Imprimir ahora la hoja con su contraseña inicial? "
               "Solo se imprime una vez; tenga la impresora lista.").format(address))
        return answer == QMessageBox.StandardButton.Yes

    def choose_printer(self):
        """The print dialog; the chosen ``QPrinter`` or ``None`` when cancelled."""
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setFullPage(True)
        printer.setDocName(_t("Cuenta de correo institucional"))
        dialog = QPrintDialog(printer, self.screen)
        return printer if dialog.exec() == QPrintDialog.DialogCode.Accepted else None
