"""«Importar alumno SAE» (manual §7): search a matrícula in SAE through the
central server, compare SAE with the credentialing record side by side, and
«Importar» / «Actualizar» — or read the reason it is not allowed."""
from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QLabel, QTableWidget, QTableWidgetItem

from ui.widgets.common import MatriculaSearch, Screen, button, card


class SaeImportScreen(Screen):
    """Import or update a student from SAE (online only)."""

    def __init__(self, services, parent=None):
        super().__init__(services, self.tr("Importar desde SAE"),
                         self.tr("Importe o actualice la información de un alumno desde el SAE (necesita conexión "
                                 "con el servidor central). Solo alumnos inscritos en su plantel y en los semestres "
                                 "permitidos."), parent)
        self.answer = None
        self.search = MatriculaSearch()
        self.search.search.connect(self.lookup)
        self.body.addWidget(self.search)
        result_card, layout = card(self.tr("Datos del alumno en SAE"))
        self.table = QTableWidget(0, 3)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table)
        self.explain = QLabel()
        self.explain.setWordWrap(True)
        layout.addWidget(self.explain)
        row = QHBoxLayout()
        self.back_button = button(self.tr("Regresar"), slot=self.reset)
        self.import_button = button(self.tr("Importar"), "primary", lambda: self.apply("import"))
        self.update_button = button(self.tr("Actualizar"), "primary", lambda: self.apply("update"))
        row.addStretch(1)
        row.addWidget(self.back_button)
        row.addWidget(self.update_button)
        row.addWidget(self.import_button)
        layout.addLayout(row)
        self.result_card = result_card
        self.body.addWidget(result_card)
        note = QLabel(self.tr("IMPORTANTE: la información del SAE es la mandataria. Es posible que se actualice el "
                              "grupo del alumno; en caso de no poder importar o actualizar, el sistema indica la "
                              "razón."))
        note.setObjectName("subtitle")
        note.setWordWrap(True)
        self.body.addWidget(note)
        self.body.addStretch(1)
        self.reset()

    def focus_first(self) -> None:
        self.search.focus()

    def reset(self) -> None:
        """«Regresar»: clear the result."""
        self.answer = None
        self.result_card.hide()
        self.search.focus()

    def lookup(self, matricula: str) -> None:
        """Buscar in SAE."""
        self.message.clear_message()

        def failed(exc):
            self.search.set_invalid(getattr(exc, "field", None) == "matricula" or
                                    getattr(exc, "code", "") in ("not_found", "invalid_field"))
            self.answer = None
            self.result_card.hide()

        self.run(lambda: self.services.sae_lookup(matricula), self._show, self.tr("Consultando el SAE…"), failed)

    def _show(self, answer: dict) -> None:
        self.answer = answer
        self.search.set_invalid(False)
        exists = answer.get("exists")
        comparison = answer.get("comparison") or []
        if exists:
            self.table.setColumnCount(3)
            self.table.setHorizontalHeaderLabels([self.tr("Campo"), self.tr("SAE"), self.tr("Credencialización")])
        else:
            self.table.setColumnCount(2)
            self.table.setHorizontalHeaderLabels([self.tr("Campo"), self.tr("SAE")])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setRowCount(len(comparison))
        for r, line in enumerate(comparison):
            values = [line.get("label", line.get("field", "")), _text(line.get("sae"))]
            if exists:
                values.append(_text(line.get("current")))
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                if exists and line.get("differs"):
                    item.setBackground(QColor("#fff4d6"))
                    item.setToolTip(self.tr("Diferente en el SAE"))
                self.table.setItem(r, c, item)
        self.table.setFixedHeight(self.table.horizontalHeader().height() + 30 * len(comparison) + 4)
        allowed = answer.get("allowed") or []
        reason = answer.get("reason")
        self.import_button.setVisible("import" in allowed)
        self.update_button.setVisible("update" in allowed)
        if reason:
            self.explain.setObjectName("error")
            self.explain.setText(reason.get("message", ""))
        elif "import" in allowed:
            self.explain.setObjectName("")
            self.explain.setText(self.tr("El alumno no existe en la Base de Datos del sistema. Haga clic en "
                                         "«Importar» para agregarlo."))
        else:
            self.explain.setObjectName("")
            self.explain.setText(self.tr("El alumno ya existe. Las diferencias con el SAE están resaltadas; haga clic "
                                         "en «Actualizar» para tomar los datos del SAE."))
        self.explain.style().unpolish(self.explain)
        self.explain.style().polish(self.explain)
        self.result_card.show()

    def apply(self, action: str) -> None:
        """Importar / Actualizar on the server; the record is cached locally."""
        if not self.answer:
            return
        matricula = self.answer["matricula"]

        def done(student) -> None:
            verb = self.tr("importado") if action == "import" else self.tr("actualizado")
            self.message.ok(self.tr("Alumno {0} {1}: {2} (estatus «{3}»). Ya puede tomar sus biométricos.")
                            .format(student.matricula, verb, student.full_name, self.tr(student.status.label)))
            self.import_button.hide()
            self.update_button.hide()
            self.changed.emit()

        self.run(lambda: self.services.sae_apply(matricula, action), done, self.tr("Aplicando datos del SAE…"))


def _text(value) -> str:
    return "" if value is None else str(value)
