"""«Validar datos alumno» (manual §10): plantel and grupo filters, a paged and
sortable table of Capturado and Aplazado students, the detail with photo and
signature, the fields to complete (institución médica, número de afiliación,
vigencia), Validado / Aplazado with a comment, Guardar, and the warning that a
validated record can no longer be changed."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QT_TRANSLATE_NOOP, QPoint, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView, QButtonGroup, QComboBox, QFormLayout, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
    QMessageBox, QPlainTextEdit, QRadioButton, QTableWidget, QTableWidgetItem,
)

from station.domain import Command
from ui.domain_labels import domain_text
from ui.screens.base import Screen
from ui.widgets.controls import button, card, mark_invalid, set_shortcut
from ui.widgets.date_field import DateField
from ui.widgets.messages import MessageLabel
from ui.widgets.student_fields import BASIC_FIELDS
from ui.widgets.student_panel import StudentPanel

#: Suggestions for «Institución médica» (free text is accepted).
HEALTH_INSTITUTIONS = ("Instituto Mexicano del Seguro Social (IMSS)",
                       "Instituto de Seguridad y Servicios Sociales de los Trabajadores del Estado (ISSSTE)",
                       "Instituto de Seguridad Social del Estado de México y Municipios (ISSEMYM)",
                       "IMSS-Bienestar", "Petróleos Mexicanos (PEMEX)", "Secretaría de la Defensa Nacional (SEDENA)")

#: Table columns: (Student field used to sort, header).
COLUMNS = (("matricula", QT_TRANSLATE_NOOP("ValidateScreen", "Matrícula")),
           ("first_names", QT_TRANSLATE_NOOP("ValidateScreen", "Nombre")),
           ("first_surname", QT_TRANSLATE_NOOP("ValidateScreen", "Primer apellido")),
           ("second_surname", QT_TRANSLATE_NOOP("ValidateScreen", "Segundo apellido")),
           ("status", QT_TRANSLATE_NOOP("ValidateScreen", "Estatus")))


def default_valid_until(today: date | None = None) -> date:
    """The vigencia offered before the supervisor types one: 1 August of next
    year (the end of the school year, as the manual's example «1 de agosto»)."""
    today = today or date.today()
    return date(today.year + 1, 8, 1)


class ValidateScreen(Screen):
    """Supervisor's validation of captured records."""

    def __init__(self, services, parent=None):
        super().__init__(services, self.tr("Validar biométricos y datos para impresión"),
                         self.tr("Elija el plantel y el grupo; revise cada alumno Capturado o Aplazado. Ya validado, "
                                 "el registro no se podrá cambiar: es la autorización para imprimir la credencial."),
                         parent)
        self.page = 0
        self.total = 0
        self.rows = []
        self.order_by, self.descending = "matricula", False
        self.current = None
        #: Vigencia typed for the last student, offered for the next one of the group.
        self.last_valid_until: date | None = None
        #: Row to select when the list comes back after Guardar: the next pending student.
        self._select_after_reload: int | None = None

        filters = QHBoxLayout()
        self.campus_combo = QComboBox()
        self.campus_combo.setMinimumWidth(220)
        self.group_combo = QComboBox()
        self.group_combo.setMinimumWidth(180)
        self.page_size_combo = QComboBox()
        for n in (5, 10, 25, 50):
            self.page_size_combo.addItem(str(n), n)
        self.page_size_combo.setCurrentIndex(2)
        for text, widget in ((self.tr("Plantel:"), self.campus_combo), (self.tr("Grupo:"), self.group_combo),
                             (self.tr("Mostrar:"), self.page_size_combo)):
            label = QLabel(text)
            label.setBuddy(widget)
            filters.addWidget(label)
            filters.addWidget(widget)
        filters.addStretch(1)
        self.body.addLayout(filters)

        table_card, table_layout = card(self.tr("Alumnos capturados a validar"))
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([self.tr(h) for _, h in COLUMNS])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSortIndicatorShown(True)
        self.table.horizontalHeader().setSectionsClickable(True)
        self.table.horizontalHeader().sectionClicked.connect(self._sort)
        self.table.cellDoubleClicked.connect(lambda *_: self.open_selected())
        self.table.setMinimumHeight(120)
        table_layout.addWidget(self.table, 1)
        pager = QHBoxLayout()
        self.open_button = button(self.tr("Validar alumno"), "primary", self.open_selected)
        self.prev_button = button(self.tr("◀ Anterior"), slot=lambda: self._go(-1))
        self.next_button = button(self.tr("Siguiente ▶"), slot=lambda: self._go(1))
        self.page_label = QLabel()
        pager.addWidget(self.open_button)
        pager.addStretch(1)
        pager.addWidget(self.page_label)
        pager.addWidget(self.prev_button)
        pager.addWidget(self.next_button)
        table_layout.addLayout(pager)
        self.body.addWidget(table_card, 1)
        self.table_card = table_card

        # ---- detail
        self.detail = QHBoxLayout()
        fields = [f for f in BASIC_FIELDS if f[0] not in ("health_institution", "affiliation_number")]
        # Labels above values and the Evaluación form's labels above long fields: side by side the
        # two cards needed 876 px, wider than the 772 px left at 1024×768 beside the menu.
        self.panel = StudentPanel(self.tr("Biométricos y datos del alumno para impresión"), fields, columns=1,
                                  stacked=True)
        self.detail.addWidget(self.panel, 1)
        form_card, form_layout = card(self.tr("Evaluación"))
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.health_edit = QComboBox()
        self.health_edit.setEditable(True)
        self.health_edit.addItems(("",) + HEALTH_INSTITUTIONS)
        self.health_edit.setMinimumWidth(200)
        self.health_edit.setMaximumWidth(330)
        self.affiliation_edit = QLineEdit()
        self.affiliation_edit.setMaxLength(32)
        self.valid_edit = DateField()
        self.validated_radio = QRadioButton(self.tr("Validado"))
        self.deferred_radio = QRadioButton(self.tr("Aplazado"))
        set_shortcut(self.validated_radio, "F6")  # one key each, also from a text field
        set_shortcut(self.deferred_radio, "F7")
        self.verdict = QButtonGroup(self)
        self.verdict.addButton(self.validated_radio)
        self.verdict.addButton(self.deferred_radio)
        self.comment_edit = QPlainTextEdit()
        self.comment_edit.setPlaceholderText(self.tr("Obligatorio para «Aplazado»: qué debe corregirse."))
        self.comment_edit.setFixedHeight(64)
        form.addRow(self.tr("Institución médica:"), self.health_edit)
        form.addRow(self.tr("Número de afiliación:"), self.affiliation_edit)
        form.addRow(self.tr("Vigencia (dd/mm/aaaa):"), self.valid_edit)
        comment_label = QLabel(self.tr("Comentario:"))  # above its box: beside it the box was ~120 px at 1024×768
        comment_label.setBuddy(self.comment_edit)
        form.addRow(comment_label)
        form.addRow(self.comment_edit)
        self.previous_comment = MessageLabel(lines=2, reserve=False)
        form_layout.addWidget(self.previous_comment)
        form_layout.addLayout(form)
        warn = QLabel(self.tr("Al validar, el registro ya no podrá modificarse."))
        warn.setObjectName("notice")
        warn.setWordWrap(True)
        form_layout.addWidget(warn)
        form_layout.addStretch(1)  # rows stay together at the top however tall the student's panel is
        self.save_button = button(self.tr("Guardar"), "primary", self.save, "F8")
        self.cancel_button = button(self.tr("Cancelar"), slot=self.close_detail, shortcut="Esc")
        self.verdict_label = QLabel(self.tr("Evaluación:"))
        self.actions.addWidget(self.verdict_label)
        self.actions.addWidget(self.validated_radio)
        self.actions.addWidget(self.deferred_radio)
        self.actions.addStretch(1)
        self.actions.addWidget(self.cancel_button)
        self.actions.addWidget(self.save_button)
        form_card.setMinimumWidth(280)
        form_card.setMaximumWidth(440)
        self.detail.addWidget(form_card, 1)
        self.body.addLayout(self.detail)
        self._detail_widgets = (self.panel, form_card, self.verdict_label, self.validated_radio, self.deferred_radio)
        self.close_detail()

        for w in (self.affiliation_edit,):
            w.textEdited.connect(lambda *_, w=w: mark_invalid(w, False))
        self.comment_edit.textChanged.connect(lambda: mark_invalid(self.comment_edit, False))
        self.valid_edit.textEdited.connect(lambda *_: mark_invalid(self.valid_edit, False))
        self.health_edit.currentTextChanged.connect(lambda *_: mark_invalid(self.health_edit, False))
        self.campus_combo.currentIndexChanged.connect(self._load_groups)
        self.group_combo.currentIndexChanged.connect(lambda *_: self.reload(reset_page=True))
        self.page_size_combo.currentIndexChanged.connect(lambda *_: self.reload(reset_page=True))
        #: Asks before validating; tests may replace it. () → bool.
        self.confirm = self._confirm

    # ------------------------------------------------------------- list
    def on_enter(self) -> None:
        if self.campus_combo.count() == 0:
            self.campus_combo.blockSignals(True)
            for code, name in self.services.campuses():
                self.campus_combo.addItem(f"{name} ({code})", code)
            self.campus_combo.blockSignals(False)
            self._load_groups()
        else:
            self.reload()
        self.table.setFocus()

    def _load_groups(self) -> None:
        campus = self.campus_combo.currentData()
        if campus is None:
            return

        def show(groups) -> None:
            self.group_combo.blockSignals(True)
            self.group_combo.clear()
            self.group_combo.addItem(self.tr("Todos los grupos"), "")
            for g in groups:
                self.group_combo.addItem(g, g)
            self.group_combo.blockSignals(False)
            self.reload(reset_page=True)

        self.run(lambda: self.services.groups(campus), show, self.tr("Cargando grupos…"), load=True)

    def select_group(self, group: str) -> None:
        """Choose ``group`` in the filter (keyboard and tests)."""
        index = self.group_combo.findData(group)
        if index >= 0:
            self.group_combo.setCurrentIndex(index)

    def reload(self, reset_page: bool = False) -> None:
        """Query the current page with the filters and sort order."""
        campus = self.campus_combo.currentData()
        if campus is None:
            return
        if reset_page:
            self.page = 0
        group = self.group_combo.currentData() or None
        size = self.page_size_combo.currentData()
        page, order, desc = self.page, self.order_by, self.descending
        self.run(lambda: self.services.students_page(campus, group, order_by=order, descending=desc, page=page,
                                                     page_size=size),
                 self._show_page, self.tr("Cargando alumnos…"), load=True)

    def _show_page(self, result) -> None:
        rows, total = result
        self.rows, self.total = rows, total
        size = self.page_size_combo.currentData()
        pages = max(1, (total + size - 1) // size)
        if self.page >= pages and self.page > 0:
            self.page = pages - 1
            self.reload()
            return
        self.table.setRowCount(len(rows))
        for r, s in enumerate(rows):
            for c, (name, _) in enumerate(COLUMNS):
                value = domain_text(s.status.label) if name == "status" else getattr(s, name)
                self.table.setItem(r, c, QTableWidgetItem(value))
        pending = (self.tr("1 alumno pendiente") if total == 1 else
                   self.tr("{0} alumnos pendientes").format(total))
        self.page_label.setText(self.tr("Página {0} de {1} — {2}").format(self.page + 1, pages, pending))
        self.prev_button.setEnabled(self.page > 0)
        self.next_button.setEnabled(self.page + 1 < pages)
        self.open_button.setEnabled(bool(rows))
        if rows:
            self.table.selectRow(0)
        follow, self._select_after_reload = self._select_after_reload, None
        if follow is not None and rows:  # Enter («Validar alumno») opens the next pending student
            self.table.selectRow(min(follow, len(rows) - 1))
            self.table.setFocus()
        elif follow is not None:
            self.message.ok(self.message.text() + " " + self.tr("No quedan alumnos pendientes en este grupo."))
            self.table.setFocus()
        column = [n for n, _ in COLUMNS].index(self.order_by)
        self.table.horizontalHeader().setSortIndicator(
            column, Qt.SortOrder.DescendingOrder if self.descending else Qt.SortOrder.AscendingOrder)

    def _go(self, delta: int) -> None:
        self.page = max(0, self.page + delta)
        self.reload()

    def _sort(self, column: int) -> None:
        name = COLUMNS[column][0]
        self.descending = not self.descending if name == self.order_by else False
        self.order_by = name
        self.reload(reset_page=True)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.table.hasFocus():
            self.open_selected()
            return
        super().keyPressEvent(event)

    # ------------------------------------------------------------- detail
    def open_selected(self) -> None:
        """Open the selected row's detail («Validar alumno»)."""
        row = self.table.currentRow()
        if 0 <= row < len(self.rows):
            self.open_student(self.rows[row].matricula)

    def open_student(self, matricula: str) -> None:
        """Load ``matricula`` with its photo and signature into the detail."""
        services = self.services

        def load():
            student = services.lookup(matricula)
            return student, services.photo(student), services.signature_png(student)

        self.run(load, self._show_detail, self.tr("Abriendo alumno…"))

    def _show_detail(self, loaded) -> None:
        student, photo, signature = loaded
        keep = self.message.text() if self.message.kind == "ok" else ""
        self.current = student
        self.message.clear_message()
        if keep:
            self.message.ok(keep)
        self.panel.set_student(student, photo, signature)
        self.health_edit.setCurrentText(student.health_institution)
        self.affiliation_edit.setText(student.affiliation_number)
        self.valid_edit.set_value(student.valid_until or self.last_valid_until or default_valid_until())
        if student.comment and student.status.value == "DEFERRED":
            self.previous_comment.notice(self.tr("Aplazado antes: {0}").format(student.comment))
        else:
            self.previous_comment.clear_message()
        self.verdict.setExclusive(False)
        self.validated_radio.setChecked(False)
        self.deferred_radio.setChecked(False)
        self.verdict.setExclusive(True)
        self.comment_edit.setPlainText("")
        for w in (self.affiliation_edit, self.valid_edit, self.comment_edit):
            mark_invalid(w, False)
        for w in self._detail_widgets:
            w.show()
        self._compact_table(True)
        allowed = self.services.allowed(student)
        self.save_button.setEnabled(Command.VALIDATE in allowed or Command.DEFER in allowed)
        self.cancel_button.setEnabled(True)
        why = self.services.refusal_for(student, Command.VALIDATE)
        if why:
            self.message.notice(why)
        first_empty = next((w for w, empty in ((self.health_edit, not student.health_institution),
                                               (self.affiliation_edit, not student.affiliation_number))
                            if empty), None)
        (first_empty or self.validated_radio).setFocus()
        QTimer.singleShot(0, self._bring_detail_up)  # once the layout has placed the shown cards

    def _bring_detail_up(self) -> None:
        """Scroll down just enough for the open student's photo and the Evaluación fields to show whole
        (never past the top of the student's card): at 125 % and 1024×768 only the photo's top showed
        under the header, filters and list; where they already show (1366×768) the list stays in view."""
        if self.current is None:
            return
        bar, inner = self.scroll.verticalScrollBar(), self.scroll.widget()

        def bottom(widget) -> int:
            return widget.mapTo(inner, QPoint(0, widget.height())).y()

        need = max(bottom(w) for w in (self.panel.photo, self.comment_edit)) + 8
        top = self.panel.mapTo(inner, QPoint(0, 0)).y() - 8
        view = self.scroll.viewport().height()
        if need - bar.value() > view:
            bar.setValue(max(0, min(need - view, top, bar.maximum())))

    def _compact_table(self, compact: bool) -> None:
        """While a student is open the list shrinks to three rows, so the student's data, photo and
        the Evaluación form move up the screen (the full list pushed them below the fold at
        1366×768, 1024×768 and 125 %); closed, the list takes the room again."""
        rows = 3 * max(self.table.verticalHeader().defaultSectionSize(), 1)
        height = self.table.horizontalHeader().height() + rows + 2 * self.table.frameWidth()
        self.table.setMaximumHeight(height if compact else 16777215)  # QWIDGETSIZE_MAX
        self.body.setStretchFactor(self.table_card, 0 if compact else 1)
        if compact and self.table.currentItem() is not None:
            self.table.scrollToItem(self.table.currentItem())

    def close_detail(self) -> None:
        """«Cancelar»: hide the detail, nothing saved."""
        self.current = None
        for w in self._detail_widgets:
            w.hide()
        self._compact_table(False)
        self.save_button.setEnabled(False)
        self.cancel_button.setEnabled(False)
        self.table.setFocus()

    def confirmation_box(self) -> QMessageBox:
        """The «Confirmar validación» question, unopened (Enter answers «Sí»)."""
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Confirmar validación"),
                          self.tr("Una vez validado, el registro de {0} ya no podrá modificarse y se autoriza la "
                                  "impresión de su credencial. ¿Desea validarlo?").format(self.current.full_name),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setDefaultButton(QMessageBox.StandardButton.Yes)
        return box

    def _confirm(self) -> bool:
        return self.confirmation_box().exec() == QMessageBox.StandardButton.Yes

    def _field_error(self, message: str, field: str | None) -> None:
        self.message.error(message)
        widget = {"affiliation_number": self.affiliation_edit, "valid_until": self.valid_edit,
                  "comment": self.comment_edit, "health_institution": self.health_edit}.get(field or "")
        if widget is not None:
            mark_invalid(widget, True)
            widget.setFocus()

    def save(self) -> None:
        """Guardar the evaluation (Validado after confirmation, or Aplazado)."""
        if self.current is None:
            return
        if not (self.validated_radio.isChecked() or self.deferred_radio.isChecked()):
            self.message.error(self.tr("Elija la evaluación: «Validado» o «Aplazado»."))
            self.validated_radio.setFocus()
            return
        services, matricula = self.services, self.current.matricula
        try:
            valid_until = self.valid_edit.value()
        except ValueError as exc:
            self._field_error(self.tr("Vigencia: {0}").format(exc), "valid_until")
            return
        fields = dict(health_institution=self.health_edit.currentText(),
                      affiliation_number=self.affiliation_edit.text(), valid_until=valid_until)
        comment = self.comment_edit.toPlainText()
        validated = self.validated_radio.isChecked()
        refusal = services.check_evaluation(self.current, validated, comment, **fields)
        if refusal is not None:  # the fields are checked before the confirmation is asked
            self._field_error(refusal.message, refusal.field)
            return
        self.message.clear_message()
        if valid_until is not None:
            self.last_valid_until = valid_until
        if validated:
            if not self.confirm():
                self.save_button.setFocus()
                return
            work = lambda: services.validate(matricula, comment=comment, **fields)  # noqa: E731
        else:
            work = lambda: services.defer(matricula, comment, **fields)  # noqa: E731
        self.save_button.setEnabled(False)
        self.run(work, self._saved, self.tr("Guardando evaluación…"), self._refused)

    def _refused(self, exc) -> None:
        self.save_button.setEnabled(True)
        self._field_error(self.message.text(), getattr(exc, "field", None))

    def _saved(self, student) -> None:
        if student.status.value == "VALIDATED":
            self.message.ok(self.tr("{0} quedó «Validado». El registro ya no se puede modificar.")
                            .format(student.full_name))
        else:
            self.message.ok(self.tr("{0} quedó «Aplazado» con su comentario.").format(student.full_name))
        row = next((i for i, s in enumerate(self.rows) if s.matricula == student.matricula), 0)
        still_listed = student.status.value == "DEFERRED"
        self.close_detail()
        self.changed.emit()
        self._select_after_reload = row + 1 if still_listed else row  # the next pending student
        self.reload()
