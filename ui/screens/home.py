"""«Inicio»: Reporte de estatus por Plantel (manual §6) with a chart, PDF/XLSX
export, and the plantel's student list as XLSX (click on the plantel's name)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QHeaderView, QTableWidget, QTableWidgetItem

from station.domain import REPORT_ORDER
from ui.domain_labels import domain_text
from ui.screens.base import Screen
from ui.style import STATUS_COLORS
from ui.widgets.chart import BarChart
from ui.widgets.controls import button, card


class HomeScreen(Screen):
    """The status report of the user's planteles, from the local cache."""

    def __init__(self, services, parent=None):
        super().__init__(services, self.tr("Reporte de estatus por Plantel"),
                         self.tr("Cuántos alumnos hay en cada estatus del proceso de credencialización. "
                                 "Haga doble clic en el nombre del plantel para descargar su lista de alumnos "
                                 "en Excel."), parent)
        self.report = None
        chart_card, chart_layout = card(self.tr("Alumnos por estatus"))
        self.chart = BarChart()
        chart_layout.addWidget(self.chart)
        self.body.addWidget(chart_card)

        table_card, table_layout = card(self.tr("Reporte de estatus por Plantel"))
        headers = ["#", self.tr("Plantel"), self.tr("Alumnos")] + [domain_text(s.label) for s in REPORT_ORDER]
        self.table = QTableWidget(0, len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        # Every status header readable («Imprimiendo» was clipped): narrow screens scroll the table instead.
        header.setMinimumSectionSize(max(header.fontMetrics().horizontalAdvance(h) for h in headers[3:]) + 18)
        self.table.cellDoubleClicked.connect(self._on_double_click)
        table_layout.addWidget(self.table)
        buttons = QHBoxLayout()
        self.refresh_button = button(self.tr("Actualizar"), slot=self.refresh)
        self.students_button = button(self.tr("Lista de alumnos (Excel)"), slot=self.export_students)
        self.pdf_button = button(self.tr("Descargar a PDF"), "primary", lambda: self.export("pdf"))
        self.xlsx_button = button(self.tr("Descargar a Excel"), slot=lambda: self.export("xlsx"))
        buttons.addWidget(self.refresh_button)
        buttons.addStretch(1)
        buttons.addWidget(self.students_button)
        buttons.addWidget(self.xlsx_button)
        buttons.addWidget(self.pdf_button)
        table_layout.addLayout(buttons)
        self.body.addWidget(table_card)
        self.body.addStretch(1)
        #: Asks where to save; tests replace it. (title, suggested name, filter) → path or "".
        self.ask_save_path = self._ask_save_path

    def on_enter(self) -> None:
        """Reload the report each time Inicio is shown."""
        self.refresh()

    def refresh(self) -> None:
        """Reload the report from the local cache (worker thread)."""
        self.run(self.services.status_report, self._show, self.tr("Calculando el reporte…"), load=True)

    def _show(self, report) -> None:
        self.report = report
        rows = list(report.rows) + [report.totals]
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            is_total = r == len(rows) - 1
            values = ["" if is_total else str(r + 1), self.tr("Total") if is_total else row.campus_name,
                      str(row.total)] + [str(row.counts[s]) for s in REPORT_ORDER]
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                if c != 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if is_total:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                elif c == 1:
                    item.setToolTip(self.tr("Doble clic: lista de alumnos de {0} en Excel").format(row.campus_name))
                    item.setData(Qt.ItemDataRole.UserRole, row.campus_code)
                self.table.setItem(r, c, item)
        scroll_bar = self.table.horizontalScrollBar().sizeHint().height()  # narrow screens scroll sideways
        self.table.setFixedHeight(self.table.horizontalHeader().height() + 34 * len(rows) + 6 + scroll_bar)
        for r in range(len(rows)):
            self.table.setRowHeight(r, 34)
        totals = report.totals
        self.chart.set_data([(domain_text(s.label), totals.counts[s], STATUS_COLORS[s.value]) for s in REPORT_ORDER])

    def _ask_save_path(self, title: str, suggested: str, file_filter: str) -> str:
        path, _ = QFileDialog.getSaveFileName(self, title, str(Path.home() / suggested), file_filter)
        return path

    def export(self, fmt: str) -> None:
        """«Descargar a PDF» / «Descargar a Excel» of the report."""
        filters = {"pdf": self.tr("Documento PDF (*.pdf)"), "xlsx": self.tr("Libro de Excel (*.xlsx)")}
        path = self.ask_save_path(self.tr("Guardar reporte de estatus"), f"reporte-estatus.{fmt}", filters[fmt])
        if not path:
            return
        if not path.lower().endswith("." + fmt):
            path += "." + fmt
        self.run(lambda: self.services.export_report(path, fmt),
                 lambda p: self.message.ok(self.tr("Reporte guardado en {0}.").format(p)),
                 self.tr("Generando el reporte…"))

    def _on_double_click(self, row: int, column: int) -> None:
        item = self.table.item(row, 1)
        code = item.data(Qt.ItemDataRole.UserRole) if item else None
        if code:
            self.export_students(code)

    def export_students(self, campus: str | None = None) -> None:
        """The plantel's student list as XLSX (manual §6)."""
        if not campus:
            selected = self.table.currentRow()
            item = self.table.item(selected, 1) if selected >= 0 else None
            campus = item.data(Qt.ItemDataRole.UserRole) if item else None
            if not campus and self.report and self.report.rows:
                campus = self.report.rows[0].campus_code
        if not campus:
            self.message.error(self.tr("No hay planteles en el reporte."))
            return
        path = self.ask_save_path(self.tr("Guardar lista de alumnos"), f"alumnos-plantel-{campus}.xlsx",
                                  self.tr("Libro de Excel (*.xlsx)"))
        if not path:
            return
        if not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        self.run(lambda: self.services.export_students(campus, path),
                 lambda p: self.message.ok(self.tr("Lista de alumnos guardada en {0}.").format(p)),
                 self.tr("Generando la lista de alumnos…"))
