"""The student's data as the screens show it: the coloured status tag, the
field lists of «Datos del alumno» (manual §8) and «Consultar alumno» (manual
§13), the display text of one field, and the «label: value» grid."""
from __future__ import annotations

from typing import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QSizePolicy, QWidget

from station.domain import Status, Student
from ui.dates import format_date, format_datetime
from ui.domain_labels import domain_text
from ui.style import STATUS_COLORS
from ui.widgets.controls import tr


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
        self.setText(domain_text(status.label))
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
        return domain_text(value.label)
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
    """A grid «label: value» of a student's fields in ``columns`` columns; ``stacked``
    puts each label above its value (narrow panels: nothing is clipped at 1024×768)."""

    def __init__(self, fields: Sequence[tuple[str, str]] = BASIC_FIELDS, columns: int = 1,
                 parent: QWidget | None = None, stacked: bool = False):
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
            if stacked:
                grid.addWidget(key, row * 2, col)
                grid.addWidget(value, row * 2 + 1, col)
                grid.setColumnStretch(col, 1)
            else:
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
