"""The form of a new request, built from the type's field list that the server sends
(``GET /requests/types``: ``fields`` and ``attachments``) — data, not if-chains: one
table maps each field ``kind`` to the widget that edits it and the way its value is read.

A form is built once per type and kept, so switching types back and forth (or a
failed «Presentar») never loses what was typed. Documents are chosen with a file
dialog (``ask_open_file``, replaceable in tests) and checked at once on the desk —
size and kind of file (:func:`station.service_requests.read_attachment`) — so a wrong
file is said before anything is sent; the server checks again and decides.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (
    QComboBox, QFileDialog, QFormLayout, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QSizePolicy, QVBoxLayout,
    QWidget,
)

from station.service_requests import read_attachment
from station.services import ServiceError
from ui.domain_labels import domain_text
from ui.widgets.controls import button, mark_invalid
from ui.widgets.date_field import DateField

#: Qt translation (pyside6-lupdate extracts ``translate("Context", "text")`` calls).
translate = QCoreApplication.translate



#: Longer than this, a text field gets a multi-line editor.
LONG_TEXT = 300


def _line(field: dict, _campuses) -> QWidget:
    edit = QLineEdit()
    edit.setMaxLength(int(field.get("max_length") or 200))
    return edit


def _text(field: dict, campuses) -> QWidget:
    if int(field.get("max_length") or 0) <= LONG_TEXT:
        return _line(field, campuses)
    edit = QPlainTextEdit()
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(72)
    return edit


def _html(_field: dict, _campuses) -> QWidget:
    edit = QPlainTextEdit()
    edit.setTabChangesFocus(True)
    edit.setMinimumHeight(110)
    edit.setPlaceholderText(translate("RequestForm", "Texto del mensaje; puede usar HTML."))
    return edit


def _email(field: dict, campuses) -> QWidget:
    edit = _line(field, campuses)
    edit.setPlaceholderText(translate("RequestForm", "nombre@dominio.edu.mx"))
    return edit


def _int(field: dict, campuses) -> QWidget:
    edit = _line(field, campuses)
    edit.setValidator(QIntValidator(1, 10 ** min(9, int(field.get("max_length") or 6)) - 1))
    edit.setMaximumWidth(140)
    return edit


def _groups(field: dict, campuses) -> QWidget:
    edit = _line(field, campuses)
    edit.setPlaceholderText(translate("RequestForm", "Claves separadas por coma, p. ej. 101, 102"))
    return edit


def _campus(field: dict, campuses) -> QWidget:
    combo = QComboBox()
    if not field.get("required"):
        combo.addItem(translate("RequestForm", "(ninguno)"), "")
    for code, name in campuses():
        combo.addItem(f"{code} — {name}" if name and name != code else code, code)
    return combo


def _date(_field: dict, _campuses) -> QWidget:
    return DateField()


def _read_text(widget) -> str:
    return widget.toPlainText() if isinstance(widget, QPlainTextEdit) else widget.text()


def _read_campus(widget) -> str:
    return widget.currentData() or ""


def _read_date(widget) -> str:
    value = widget.value()  # ValueError (Spanish) for a date that does not exist
    return value.isoformat() if value else ""


def _read_groups(widget) -> list[str]:
    return [g.strip() for g in widget.text().replace(";", ",").split(",") if g.strip()]


#: field kind → (widget factory(field, campuses getter), value reader(widget)).
EDITORS: dict[str, tuple[Callable, Callable]] = {
    "text": (_text, _read_text),
    "email": (_email, _read_text),
    "date": (_date, _read_date),
    "campus": (_campus, _read_campus),
    "groups": (_groups, _read_groups),
    "html": (_html, _read_text),
    "int": (_int, _read_text),
}


class AttachmentRow(QWidget):
    """One document of the type: its label, the chosen file, «Elegir archivo…» and «Quitar»."""

    changed = Signal()
    #: The chosen file was refused on the desk (Spanish message); the row keeps its previous file.
    refused = Signal(str)

    def __init__(self, spec: dict, ask_open_file: Callable[[str, str], str], parent=None):
        super().__init__(parent)
        self.spec = spec
        self.path: Path | None = None
        self._ask = ask_open_file
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.file_label = QLabel(self.tr("Sin archivo"))
        self.file_label.setObjectName("fieldValue")
        self.file_label.setWordWrap(True)  # a long file name wraps; never clipped at 1024 px
        self.file_label.setMinimumWidth(self.file_label.fontMetrics().horizontalAdvance(self.tr("Sin archivo")) + 4)
        self.file_label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.choose_button = button(self.tr("Elegir archivo…"), slot=self.choose)
        self.clear_button = button(self.tr("Quitar"), slot=self.clear)
        self.clear_button.setEnabled(False)
        layout.addWidget(self.file_label, 1)
        layout.addWidget(self.choose_button)
        layout.addWidget(self.clear_button)

    def choose(self) -> None:
        """File dialog; the chosen file is checked at once (size, kind of file)."""
        names = {"application/pdf": "*.pdf", "image/jpeg": "*.jpg *.jpeg", "image/png": "*.png",
                 "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "*.xlsx", "text/csv": "*.csv"}
        patterns = " ".join(names.get(t, "") for t in self.spec.get("content_types", [])).strip() or "*"
        path = self._ask(domain_text(self.spec.get("label", "")), self.tr("Documentos ({0})").format(patterns))
        if path:
            try:
                self.set_path(path)
            except ServiceError as exc:
                self.refused.emit(exc.message)

    def set_path(self, path: str | Path) -> None:
        """Take ``path`` after checking it; a refused file raises :class:`ServiceError` (kept out)."""
        read_attachment(self.spec, path)  # ServiceError names the file and the reason
        self.path = Path(path)
        self.file_label.setText(self.path.name)
        self.file_label.setToolTip(str(self.path))
        self.clear_button.setEnabled(True)
        self.changed.emit()

    def clear(self) -> None:
        """No file for this document."""
        self.path = None
        self.file_label.setText(self.tr("Sin archivo"))
        self.file_label.setToolTip("")
        self.clear_button.setEnabled(False)
        self.changed.emit()


class TypeForm(QWidget):
    """The form of one request type (``kind``: one item of ``GET /requests/types``)."""

    #: A chosen document was refused on the desk (Spanish message).
    refused = Signal(str)

    def __init__(self, kind: dict, campuses: Callable[[], list[tuple[str, str]]],
                 ask_open_file: Callable[[str, str], str], parent=None):
        super().__init__(parent)
        self.kind = kind
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        #: field name → (field dict, widget)
        self.editors: dict[str, tuple[dict, QWidget]] = {}
        for field in kind.get("fields", []):
            factory, _reader = EDITORS.get(field.get("kind"), EDITORS["text"])
            widget = factory(field, campuses)
            widget.setObjectName(f"field_{field['name']}")
            label = domain_text(field.get("label", field["name"])) + ("" if not field.get("required") else " *")
            form.addRow(label, widget)
            self.editors[field["name"]] = (field, widget)
        layout.addLayout(form)
        self.attachments: dict[str, AttachmentRow] = {}
        specs = kind.get("attachments", [])
        if specs:
            title = QLabel(self.tr("Documentos (PDF, JPEG, PNG, Excel o CSV; se revisan antes de enviar)"))
            title.setObjectName("sectionTitle")
            title.setWordWrap(True)
            layout.addWidget(title)
            docs = QGridLayout()
            docs.setColumnStretch(0, 1)
            docs.setColumnStretch(1, 1)
            for line, spec in enumerate(specs):
                row = AttachmentRow(spec, ask_open_file)
                row.refused.connect(self.refused)
                label = QLabel(domain_text(spec.get("label", spec["kind"])) + (" *" if spec.get("required") else ""))
                label.setWordWrap(True)
                label.setBuddy(row.choose_button)
                docs.addWidget(label, line, 0)
                docs.addWidget(row, line, 1)
                self.attachments[spec["kind"]] = row
            layout.addLayout(docs)
        note = QLabel(self.tr("* obligatorio"))
        note.setObjectName("subtitle")
        layout.addWidget(note)

    def first_editor(self) -> QWidget | None:
        """The first input (for the keyboard focus)."""
        return next((w for _f, w in self.editors.values()), None)

    def values(self) -> dict:
        """The typed values by field name (empty optional fields left out). Raises
        :class:`ServiceError` naming the field for a date that does not exist."""
        out = {}
        for name, (field, widget) in self.editors.items():
            _factory, reader = EDITORS.get(field.get("kind"), EDITORS["text"])
            mark_invalid(widget, False)
            try:
                value = reader(widget)
            except ValueError as exc:
                mark_invalid(widget, True)
                raise ServiceError(f"«{domain_text(field.get('label', name))}»: {exc}", name, "invalid_field") from None
            if value not in ("", [], None):
                out[name] = value.strip() if isinstance(value, str) and field.get("kind") != "html" else value
        return out

    def files(self) -> list[tuple[str, Path]]:
        """``[(attachment kind, path)]`` of the chosen documents."""
        return [(kind, row.path) for kind, row in self.attachments.items() if row.path is not None]

    def mark(self, field: str | None) -> None:
        """Red border on the input the server or the check named (others cleared)."""
        for name, (_f, widget) in self.editors.items():
            mark_invalid(widget, name == field)
        if field in self.editors:
            self.editors[field][1].setFocus()
        elif field in self.attachments:
            self.attachments[field].choose_button.setFocus()

    def clear(self) -> None:
        """Empty every input and document (after a successful filing)."""
        for _name, (_field, widget) in self.editors.items():
            if isinstance(widget, QComboBox):
                widget.setCurrentIndex(0)
            elif isinstance(widget, (QLineEdit, QPlainTextEdit)):
                widget.clear()
            mark_invalid(widget, False)
        for row in self.attachments.values():
            row.clear()


class RequestForm(QWidget):
    """Type chooser + the chosen type's :class:`TypeForm` (one kept per type)."""

    refused = Signal(str)

    def __init__(self, campuses: Callable[[], list[tuple[str, str]]], parent=None):
        super().__init__(parent)
        self._campuses = campuses
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        label = QLabel(self.tr("Tipo de solicitud:"))
        self.type_combo = QComboBox()
        self.type_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.type_combo.setMinimumContentsLength(30)
        label.setBuddy(self.type_combo)
        row.addWidget(label)
        row.addWidget(self.type_combo, 1)
        layout.addLayout(row)
        self.hours_label = QLabel("")
        self.hours_label.setObjectName("subtitle")
        self.hours_label.setWordWrap(True)
        layout.addWidget(self.hours_label)
        self.holder = QVBoxLayout()
        layout.addLayout(self.holder)
        self.types: list[dict] = []
        self.forms: dict[str, TypeForm] = {}
        self.current: TypeForm | None = None
        #: (title, filter) → chosen path or "". Tests replace it.
        self.ask_open_file = lambda title, filt: QFileDialog.getOpenFileName(self, title, str(Path.home()), filt)[0]
        self.type_combo.currentIndexChanged.connect(self._show_type)

    def set_types(self, types: list[dict]) -> None:
        """Fill the chooser with the server's types (keeps the forms already built)."""
        self.types = list(types)
        self.type_combo.blockSignals(True)
        self.type_combo.clear()
        for kind in self.types:
            self.type_combo.addItem(domain_text(kind.get("label", kind["code"])), kind["code"])
        self.type_combo.blockSignals(False)
        self._show_type(self.type_combo.currentIndex())

    def select_type(self, code: str) -> None:
        """Choose the type ``code``."""
        index = self.type_combo.findData(code)
        if index >= 0:
            self.type_combo.setCurrentIndex(index)
            self._show_type(index)

    def _show_type(self, index: int) -> None:
        if self.current is not None:
            self.current.hide()
        if index < 0 or index >= len(self.types):
            self.current = None
            return
        kind = self.types[index]
        form = self.forms.get(kind["code"])
        if form is None:
            form = self.forms[kind["code"]] = TypeForm(kind, self._campuses, lambda t, f: self.ask_open_file(t, f))
            form.refused.connect(self.refused)
            self.holder.addWidget(form)
        form.show()
        self.current = form
        hours = int(kind.get("service_hours") or 0)
        self.hours_label.setText(self.tr("Tiempo de atención: {0} horas a partir de que se presenta.").format(hours)
                                 if hours else "")

    def type_code(self) -> str:
        """The chosen type's code ("" when none)."""
        return self.type_combo.currentData() or ""

    def focus_first(self) -> None:
        """Keyboard focus on the type chooser."""
        self.type_combo.setFocus(Qt.FocusReason.OtherFocusReason)
