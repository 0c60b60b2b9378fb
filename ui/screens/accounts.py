"""«Cuentas institucionales» for the systems role (Centro de Cómputo / DGTI; issue 20 item 7).

Per plantel: the students lacking an address with the proposed address (a
collision — the address got a number because it was taken — is marked),
«Reservar direcciones», the export in the tenant's format into a folder,
the import of the accounts created in the tenant (rows that match no
proposal are listed, never guessed), an attached staff/graduate list and the
tenant's directory export. Everything goes through the station's API client
(:class:`station.accounts.InstitutionalAccounts`); no rule lives here.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import (
    QComboBox, QFileDialog, QHBoxLayout, QHeaderView, QLabel, QTableWidget, QTableWidgetItem,
)

from station.accounts import EXPORT_FORMATS
from ui.screens.base import Screen
from ui.widgets.controls import button, card

KIND_LABELS = {
    "student": QT_TRANSLATE_NOOP("Accounts", "Alumno"),
    "staff": QT_TRANSLATE_NOOP("Accounts", "Personal"),
    "graduate": QT_TRANSLATE_NOOP("Accounts", "Egresado"),
    "workplace": QT_TRANSLATE_NOOP("Accounts", "Centro de trabajo"),
}


def kind_label(kind: str) -> str:
    """Translated label of an account kind."""
    return QCoreApplication.translate("Accounts", KIND_LABELS[kind]) if kind in KIND_LABELS else kind


class AccountsScreen(Screen):
    """The systems office's screen; tests replace :attr:`ask_folder` and :attr:`ask_open_file`."""

    def __init__(self, services, parent=None):
        super().__init__(services, self.tr("Cuentas institucionales"),
                         self.tr("Alumnos sin correo institucional: direcciones propuestas con la regla de nombres, "
                                 "archivos para crear las cuentas en Microsoft 365, Entra, Google Workspace u "
                                 "OneRoster, e importación de las cuentas creadas."), parent)
        self.accounts = services.accounts
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Plantel:")))
        self.campus = QComboBox()
        self.campus.setMinimumWidth(240)
        bar.addWidget(self.campus)
        self.preview_button = button(self.tr("Vista previa"), slot=self.preview)
        self.propose_button = button(self.tr("Reservar direcciones"), "primary", self.propose)
        bar.addWidget(self.preview_button)
        bar.addWidget(self.propose_button)
        bar.addStretch(1)
        self.header.addLayout(bar)

        table_card, table_layout = card(self.tr("Cuentas propuestas"))
        headers = [self.tr("Tipo"), self.tr("Matrícula o clave"), self.tr("Nombre"), self.tr("Correo propuesto"),
                   self.tr("Colisión"), self.tr("Estado")]
        self.table = QTableWidget(0, len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setMinimumHeight(260)
        head = self.table.horizontalHeader()
        head.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        table_layout.addWidget(self.table)
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        table_layout.addWidget(self.summary)
        self.body.addWidget(table_card)

        files_card, files_layout = card(self.tr("Archivos"))
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Formato:")))
        self.format = QComboBox()
        for code, label in EXPORT_FORMATS.items():
            self.format.addItem(QCoreApplication.translate("Accounts", label), code)
        row.addWidget(self.format, 1)
        self.export_button = button(self.tr("Exportar a una carpeta…"), "primary", self.export)
        row.addWidget(self.export_button)
        files_layout.addLayout(row)
        note = QLabel(self.tr("Los archivos llevan las contraseñas iniciales: entréguelos solo a la consola del "
                              "inquilino y bórrelos después. Nunca los envíe por correo."))
        note.setWordWrap(True)
        files_layout.addWidget(note)
        row2 = QHBoxLayout()
        self.import_button = button(self.tr("Importar cuentas creadas…"), slot=self.import_created)
        self.list_kind = QComboBox()
        for code in ("staff", "graduate"):
            self.list_kind.addItem(kind_label(code), code)
        self.list_button = button(self.tr("Lista de personal o egresados…"), slot=self.add_list)
        self.directory_button = button(self.tr("Directorio del inquilino…"), slot=self.load_directory)
        row2.addWidget(self.import_button)
        row2.addStretch(1)
        row2.addWidget(self.list_kind)
        row2.addWidget(self.list_button)
        row2.addWidget(self.directory_button)
        files_layout.addLayout(row2)
        self.report = QLabel("")
        self.report.setWordWrap(True)
        self.report.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        files_layout.addWidget(self.report)
        self.body.addWidget(files_card)
        self.body.addStretch(1)
        self.campus.currentIndexChanged.connect(lambda _i: self.refresh())
        #: (title) → folder or "" ; (title, filter) → file or "". Tests replace them.
        self.ask_folder = lambda title: QFileDialog.getExistingDirectory(self, title, str(Path.home()))
        self.ask_open_file = lambda title, filt: QFileDialog.getOpenFileName(self, title, str(Path.home()), filt)[0]

    # ------------------------------------------------------------- plumbing
    def on_enter(self) -> None:
        """Fill the planteles once, then show the open proposals."""
        if self.campus.count() == 0:
            for code, name in self.services.campuses():
                self.campus.addItem(f"{code} — {name}" if name and name != code else code, code)
        self.refresh()

    def campus_code(self) -> str:
        """The chosen plantel's code ("" when none)."""
        return self.campus.currentData() or ""

    def _need_campus(self) -> str | None:
        code = self.campus_code()
        if not code:
            self.message.error(self.tr("Elija un plantel."))
            return None
        return code

    def _fill(self, rows: list[dict], state: str) -> None:
        self.table.setRowCount(len(rows))
        states = {"proposed": self.tr("Por crear"), "created": self.tr("Creada"), "preview": self.tr("Vista previa")}
        for r, p in enumerate(rows):
            collided = self.tr("Sí (se agregó un número)") if p.get("collided") else ""
            values = [kind_label(p.get("kind", "")), p.get("key", ""), p.get("name", ""),
                      p.get("address", ""), collided, states.get(p.get("status", ""), p.get("status", ""))]
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                if c == 4 and value:
                    item.setForeground(Qt.GlobalColor.darkRed)
                self.table.setItem(r, c, item)
        collisions = sum(1 for p in rows if p.get("collided"))
        self.summary.setText(self.tr("{0}: {1} cuentas, {2} con colisión.").format(state, len(rows), collisions))

    # --------------------------------------------------------------- actions
    def refresh(self) -> None:
        """Open proposals of the plantel (reserved, not yet created)."""
        code = self.campus_code()
        if code:
            self.run(lambda: self.accounts.proposals(code), lambda rows: self._fill(rows, self.tr("Por crear")),
                     self.tr("Consultando cuentas…"), load=True)

    def preview(self) -> None:
        """«Vista previa»: addresses the plantel's students lacking one would get (nothing saved)."""
        code = self._need_campus()
        if code:
            self.run(lambda: self.accounts.preview(code), lambda rows: self._fill(rows, self.tr("Vista previa")),
                     self.tr("Calculando direcciones…"))

    def propose(self) -> None:
        """«Reservar direcciones» for the students lacking one."""
        code = self._need_campus()
        if code:
            def done(rows):
                self._fill(rows, self.tr("Por crear"))
                self.message.ok(self.tr("Direcciones reservadas: {0}.").format(len(rows)))
            self.run(lambda: self.accounts.propose(code), done, self.tr("Reservando direcciones…"))

    def export(self) -> None:
        """«Exportar a una carpeta…» in the chosen format."""
        code = self._need_campus()
        if not code:
            return
        folder = self.ask_folder(self.tr("Carpeta para los archivos de cuentas"))
        if not folder:
            return
        fmt = self.format.currentData()

        def done(paths):
            self.message.ok(self.tr("{0} archivo(s) guardados en {1}.").format(len(paths), folder))
            self.report.setText("\n".join(str(p.name) for p in paths))
        self.run(lambda: self.accounts.export(code, fmt, folder), done, self.tr("Generando archivos…"))

    def import_created(self) -> None:
        """«Importar cuentas creadas…»: the tenant's export or our export file as confirmation."""
        code = self._need_campus()
        if not code:
            return
        path = self.ask_open_file(self.tr("Archivo de cuentas creadas"), self.tr("CSV o Excel (*.csv *.xlsx)"))
        if not path:
            return

        def done(report):
            lines = [self.tr("Correos asignados: {0}. Ya importados: {1}.").format(report["matched"],
                                                                                  report["already"])]
            for row in report.get("unmatched", []):
                lines.append(self.tr("Fila {0}: {1} — {2}").format(row["line"], row["address"], row["reason"]))
            for row in report.get("refused", []):
                lines.append(self.tr("Fila {0}: {1} — {2}").format(row["line"], row["address"], row["reason"]))
            self.report.setText("\n".join(lines))
            if report.get("unmatched") or report.get("refused"):
                self.message.error(self.tr("Algunas filas no se importaron; revise la lista."))
            else:
                self.message.ok(lines[0])
            self.changed.emit()
            self.refresh()
        self.run(lambda: self.accounts.import_created(code, path), done, self.tr("Importando cuentas…"))

    def add_list(self) -> None:
        """«Lista de personal o egresados…»: propose accounts for an attached list."""
        code = self._need_campus()
        if not code:
            return
        path = self.ask_open_file(self.tr("Lista de personas"), self.tr("CSV o Excel (*.csv *.xlsx)"))
        if not path:
            return
        kind = self.list_kind.currentData()

        def done(rows):
            self.message.ok(self.tr("Cuentas propuestas para la lista: {0}.").format(len(rows)))
            self.refresh()
        self.run(lambda: self.accounts.add_list(code, kind, path), done, self.tr("Leyendo la lista…"))

    def load_directory(self) -> None:
        """«Directorio del inquilino…»: addresses that already exist in the tenant."""
        path = self.ask_open_file(self.tr("Exportación del directorio"), self.tr("CSV o Excel (*.csv *.xlsx)"))
        if not path:
            return
        self.run(lambda: self.accounts.load_directory(path),
                 lambda answer: self.message.ok(self.tr("Directorio cargado: {0} direcciones nuevas.")
                                                .format(answer.get("new", 0))),
                 self.tr("Cargando el directorio…"))
