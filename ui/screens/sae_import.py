"""«Importar alumno SAE» (manual §7): search a matrícula in SAE through the
central server, compare SAE with the credentialing record side by side, and
«Importar» / «Actualizar» — or read the reason it is not allowed."""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHeaderView, QLabel, QTableWidget, QTableWidgetItem

from ui.domain_labels import domain_text
from ui.screens.base import DeskScreen
from ui.widgets.controls import button, card, repolish


class SaeImportScreen(DeskScreen):
    """Import or update a student from SAE (online only). ``self.student`` holds the
    server's answer (``dict``)."""

    searching_text = QT_TRANSLATE_NOOP("DeskScreen", "Consultando el SAE…")

    def __init__(self, services, parent=None):
        super().__init__(services, self.tr("Importar desde SAE"),
                         self.tr("Importe o actualice la información de un alumno desde el SAE (necesita conexión "
                                 "con el servidor central). Solo alumnos inscritos en su plantel y en los semestres "
                                 "permitidos."), parent)
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
        self.search.scan_button.hide()  # a student not yet imported has no credential to read
        self.search.scan_button.setShortcut("")
        self.back_button = button(self.tr("Regresar"), slot=self.reset)
        self.import_button = button(self.tr("Importar"), "primary", lambda: self.apply("import"), "F8")
        self.update_button = button(self.tr("Actualizar"), "primary", lambda: self.apply("update"), "F8")
        self.capture_button = button(self.tr("Ir a toma de biométricos"), slot=self._go_capture)
        self.actions.addStretch(1)
        self.actions.addWidget(self.back_button)
        self.actions.addWidget(self.capture_button)
        self.actions.addWidget(self.update_button)
        self.actions.addWidget(self.import_button)
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

    @property
    def answer(self) -> dict | None:
        """The server's answer for the searched matrícula (``None`` before a search)."""
        return self.student

    def reset(self) -> None:
        """«Regresar»: clear the result."""
        self.student = None
        self.clear_student()
        self.message.clear_message()
        self.search.focus()

    def clear_student(self) -> None:
        self.result_card.hide()
        for b in (self.import_button, self.update_button, self.capture_button):
            b.hide()
        self.back_button.setEnabled(False)

    def lookup(self, matricula: str) -> None:
        """Buscar in SAE."""
        self.open_matricula(matricula)

    def load(self, matricula: str):
        return self.services.sae_lookup(matricula)

    def _not_found(self, exc: BaseException) -> None:
        super()._not_found(exc)
        self.search.set_invalid(getattr(exc, "field", None) == "matricula" or
                                getattr(exc, "code", "") in ("not_found", "invalid_field"))

    def _go_capture(self) -> None:
        if self.answer:
            self.navigate.emit("capture", self.answer["matricula"])

    def show_student(self, answer: dict) -> None:
        self.back_button.setEnabled(True)
        self.capture_button.hide()
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
        elif any(line.get("differs") for line in comparison):
            self.explain.setObjectName("")
            self.explain.setText(self.tr("El alumno ya existe. Las diferencias con el SAE están resaltadas; haga clic "
                                         "en «Actualizar» para tomar los datos del SAE."))
        else:
            self.explain.setObjectName("")
            self.explain.setText(self.tr("El alumno ya existe y sus datos coinciden con el SAE."))
        repolish(self.explain)
        self.result_card.show()
        for b in (self.import_button, self.update_button):
            if b.isVisible() and b.isEnabled():
                b.setFocus()
                break

    def apply(self, action: str) -> None:
        """Importar / Actualizar on the server; the record is cached locally."""
        if not self.answer:
            return
        matricula = self.answer["matricula"]

        def done(student) -> None:
            verb = self.tr("importado") if action == "import" else self.tr("actualizado")
            self.message.ok(self.tr("Alumno {0} {1}: {2} (estatus «{3}»). Ya puede tomar sus biométricos.")
                            .format(student.matricula, verb, student.full_name, domain_text(student.status.label)))
            self.import_button.hide()
            self.update_button.hide()
            self.explain.setObjectName("ok")
            self.explain.setText(self.tr("Datos del SAE aplicados. Continúe con la toma de biométricos."))
            repolish(self.explain)
            self.capture_button.show()
            self.capture_button.setFocus()
            self.changed.emit()

        self.run(lambda: self.services.sae_apply(matricula, action), done, self.tr("Aplicando datos del SAE…"))


def _text(value) -> str:
    return "" if value is None else str(value)
