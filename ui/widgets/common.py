"""Building blocks shared by the screens: the screen frame, the matrícula search
bar (keyboard-wedge scanners end with Enter), the student data grid of manual
§8/§13, image boxes for photo and signature, and message helpers."""
from __future__ import annotations

from typing import Any, Callable, Sequence

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QFrame, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QScrollArea, QSizePolicy, QVBoxLayout, QWidget,
)

from station.domain import Status, Student
from ui.dates import format_date, format_datetime
from ui.style import STATUS_COLORS
from ui.workers import error_text, run_task


def tr(text: str, context: str = "Common") -> str:
    """Translate ``text`` (es-MX source) in ``context``."""
    return QCoreApplication.translate(context, text)


def repolish(widget: QWidget) -> None:
    """Re-apply the stylesheet after a dynamic property changed."""
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def mark_invalid(widget: QWidget, invalid: bool) -> None:
    """Red border on an input (stylesheet property ``invalid``)."""
    widget.setProperty("invalid", "true" if invalid else "false")
    repolish(widget)


def button(text: str, role: str = "", slot: Callable | None = None) -> QPushButton:
    """A push button; ``role`` ``"primary"`` or ``"danger"`` changes its colour."""
    b = QPushButton(text)
    if role:
        b.setObjectName(role)
    b.setCursor(Qt.CursorShape.PointingHandCursor)
    if slot is not None:
        b.clicked.connect(slot)
    return b


def card(title: str | None = None) -> tuple[QFrame, QVBoxLayout]:
    """A white rounded panel with an optional section title; returns (frame, layout)."""
    frame = QFrame()
    frame.setObjectName("card")
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(14, 12, 14, 12)
    layout.setSpacing(8)
    if title:
        label = QLabel(title)
        label.setObjectName("sectionTitle")
        layout.addWidget(label)
    return frame, layout


class MessageLabel(QLabel):
    """One line for errors (red), notices (amber) and confirmations (green)."""

    def __init__(self) -> None:
        super().__init__()
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def _show(self, text: str, kind: str) -> None:
        self.setObjectName(kind)
        repolish(self)
        self.setText(text)
        self.setVisible(bool(text))

    def error(self, text: str) -> None:
        """Show an error in red."""
        self._show(text, "error")

    def notice(self, text: str) -> None:
        """Show a warning in amber."""
        self._show(text, "notice")

    def ok(self, text: str) -> None:
        """Show a confirmation in green."""
        self._show(text, "ok")

    def clear_message(self) -> None:
        """Hide the message."""
        self._show("", "error")


class Screen(QWidget):
    """Base of every screen: title, subtitle, a scrollable body and a message line.

    ``services`` is the :class:`station.services.DeskServices`. Subclasses
    fill ``self.body`` (a QVBoxLayout) and may override :meth:`on_enter`
    (called each time the screen is shown) and :meth:`focus_first`.
    """

    #: Emitted after a change to a record (the window refreshes counters).
    changed = Signal()

    def __init__(self, services, title: str, subtitle: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self.setObjectName("screen")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(18, 14, 18, 10)
        outer.setSpacing(6)
        self.title_label = QLabel(title)
        self.title_label.setObjectName("title")
        outer.addWidget(self.title_label)
        if subtitle:
            sub = QLabel(subtitle)
            sub.setObjectName("subtitle")
            sub.setWordWrap(True)
            outer.addWidget(sub)
        self.message = MessageLabel()
        outer.addWidget(self.message)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        inner = QWidget()
        inner.setObjectName("screen")
        self.body = QVBoxLayout(inner)
        self.body.setContentsMargins(0, 4, 0, 4)
        self.body.setSpacing(10)
        scroll.setWidget(inner)
        outer.addWidget(scroll, 1)
        self.scroll = scroll

    def on_enter(self) -> None:
        """Called when the screen becomes visible."""
        self.focus_first()

    def focus_first(self) -> None:
        """Put the keyboard focus on the first input."""

    def run(self, fn: Callable[[], Any], done: Callable[[Any], None], label: str,
            failed: Callable[[BaseException], None] | None = None) -> None:
        """Run ``fn`` off the GUI thread; show its error in the message line."""
        def on_error(exc: BaseException) -> None:
            self.message.error(error_text(exc))
            if failed is not None:
                failed(exc)

        run_task(fn, done, on_error, label=label, context=self)

    def search_student(self, matricula: str, shown: Callable[[Any], None], failed: Callable[[BaseException], None],
                       label: str | None = None, load: Callable[[], Any] | None = None) -> None:
        """Start the search of ``matricula`` typed in ``self.search``: clears the
        message, then runs ``load`` (default: the record with photo and
        signature, see ``DeskServices.student_with_biometrics``) off the GUI
        thread and calls ``shown(result)`` or ``failed(exc)``."""
        self.message.clear_message()
        self.search.edit.setText(matricula)
        services = self.services
        load = load or (lambda: services.student_with_biometrics(matricula))
        self.run(load, shown, label or self.tr("Buscando alumno…"), failed)


class MatriculaSearch(QWidget):
    """«Matrícula: [__________] [Buscar]». Enter (or a scanner) searches.

    Signal ``search(str)`` with the text as typed (validation is the service's).
    """

    search = Signal(str)

    def __init__(self, button_text: str | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        label = QLabel(tr("Matrícula:"))
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(tr("Escriba o escanee la matrícula, p. ej. 180010051-1"))
        self.edit.setMaxLength(40)
        self.edit.setClearButtonEnabled(True)
        self.edit.setMinimumWidth(300)
        label.setBuddy(self.edit)
        self.button = button(button_text or tr("Buscar"), "primary")
        layout.addWidget(label)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.button)
        layout.addStretch(1)
        self.edit.returnPressed.connect(self._emit)
        self.button.clicked.connect(self._emit)
        self.edit.textEdited.connect(lambda *_: mark_invalid(self.edit, False))

    def _emit(self) -> None:
        self.search.emit(self.edit.text())

    def text(self) -> str:
        """The typed text, stripped."""
        return self.edit.text().strip()

    def set_invalid(self, invalid: bool) -> None:
        """Red border while the matrícula is wrong."""
        mark_invalid(self.edit, invalid)
        if invalid:
            self.edit.setFocus()
            self.edit.selectAll()

    def focus(self) -> None:
        """Focus and select the field (ready for the next scan)."""
        self.edit.setFocus()
        self.edit.selectAll()


class StatusTag(QLabel):
    """A coloured pill with the Spanish status label."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("statusTag")
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def set_status(self, status: Status | None) -> None:
        """Show ``status`` (hidden for ``None``)."""
        if status is None:
            self.hide()
            return
        self.setText(tr(status.label, "Status"))
        self.setStyleSheet(f"background: {STATUS_COLORS[status.value]};")
        self.show()


#: (field, label) of «Datos del alumno» (manual §8).
BASIC_FIELDS: tuple[tuple[str, str], ...] = (
    ("status", "Estatus"), ("curp", "CURP"), ("matricula", "Matrícula"), ("first_names", "Nombre"),
    ("first_surname", "Primer apellido"), ("second_surname", "Segundo apellido"), ("campus_name", "Plantel"),
    ("group_code", "Grupo"), ("career", "Carrera"), ("institutional_email", "Correo institucional"),
    ("health_institution", "Institución médica"), ("affiliation_number", "Número de afiliación"),
    ("folio", "Folio"), ("prematricula", "Prematrícula"),
)

#: Every field of «Consultar alumno» (manual §13), in its order.
FULL_FIELDS: tuple[tuple[str, str], ...] = (
    ("status", "Estatus"), ("curp", "CURP"), ("matricula", "Matrícula"), ("folio", "Folio"),
    ("prematricula", "Prematrícula"), ("first_names", "Nombre"), ("first_surname", "Primer apellido"),
    ("second_surname", "Segundo apellido"), ("campus_name", "Plantel"), ("group_code", "Grupo"),
    ("career", "Carrera"), ("semester", "Semestre"), ("institutional_email", "Correo institucional"),
    ("health_institution", "Institución médica"), ("affiliation_number", "Número de afiliación"),
    ("biometrics_at", "Fecha toma de biométricos"), ("status_updated_at", "Fecha actualización estatus"),
    ("valid_until", "Vigencia credencial"), ("delivered_at", "Fecha entrega alumno"),
    ("sae_updated_at", "Fecha actualización desde SAE"), ("comment", "Comentario"),
    ("print_order", "Orden de impresión"), ("reprint_count", "Credenciales temporales impresas"),
    ("temporary_returned", "Devolvió la credencial temporal"),
)


def field_text(student: Student, name: str) -> str:
    """The display text of one field (dates in Spanish, status label, Sí/No)."""
    value = getattr(student, name)
    if name == "status":
        return tr(value.label, "Status")
    if name == "campus_name":
        return f"{student.campus_name} ({student.campus_code})" if student.campus_code else student.campus_name
    if name.endswith("_at"):
        return format_datetime(value, tr("Sin fecha."))
    if name == "valid_until":
        return format_date(value, tr("Sin fecha."))
    if name == "temporary_returned":
        return "" if value is None else (tr("Sí") if value else tr("No"))
    if value is None:
        return ""
    if name == "institutional_email":
        return str(value).replace("@", "\u200b@")  # lets a long address wrap before the domain
    return str(value)


class StudentDetails(QWidget):
    """A two-column grid «label: value» of a student's fields."""

    def __init__(self, fields: Sequence[tuple[str, str]] = BASIC_FIELDS, columns: int = 1,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.fields = tuple(fields)
        self.values: dict[str, QLabel] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(4)
        per_column = (len(self.fields) + columns - 1) // columns
        for i, (name, label) in enumerate(self.fields):
            col, row = divmod(i, per_column)
            key = QLabel(tr(label) + ":")
            key.setObjectName("fieldLabel")
            value = QLabel()
            value.setObjectName("fieldValue")
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(key, row, col * 2, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(value, row, col * 2 + 1)
            grid.setColumnStretch(col * 2 + 1, 1)
            self.values[name] = value

    def set_student(self, student: Student | None) -> None:
        """Fill the values (empty for ``None``)."""
        for name, label in self.values.items():
            label.setText(field_text(student, name) if student is not None else "")

    def value(self, name: str) -> str:
        """The text shown for field ``name`` (tests, accessibility)."""
        return self.values[name].text()


class ImageBox(QLabel):
    """A framed picture (photo or signature) scaled to fit, or a placeholder text."""

    def __init__(self, placeholder: str, width: int, height: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.placeholder = placeholder
        self.setFixedSize(width, height)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setStyleSheet("background: white; border: 1px solid #c9d3cc; border-radius: 6px; color: #5a5a5a;")
        self.has_image = False
        self.set_bytes(None)

    def set_bytes(self, data: bytes | None, placeholder: str | None = None) -> None:
        """Show the image in ``data`` (JPEG/PNG bytes) or the placeholder text."""
        pixmap = QPixmap()
        if data and pixmap.loadFromData(data):
            self.setPixmap(pixmap.scaled(self.width() - 8, self.height() - 8, Qt.AspectRatioMode.KeepAspectRatio,
                                         Qt.TransformationMode.SmoothTransformation))
            self.has_image = True
        else:
            self.clear()
            self.setText(placeholder or self.placeholder)
            self.has_image = False


def labelled(label: str, widget: QWidget) -> QWidget:
    """A small column «label / widget»."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    title = QLabel(label)
    title.setObjectName("fieldLabel")
    layout.addWidget(title)
    layout.addWidget(widget)
    return box
