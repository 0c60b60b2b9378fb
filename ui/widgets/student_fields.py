"""The student's data as the screens show it: the coloured status tag, the
field lists of «Datos del alumno» (manual §8) and «Consultar alumno» (manual
§13), the display text of one field, and the «label: value» grid."""
from __future__ import annotations

from typing import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QSizePolicy, QWidget

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
    """The student's fields as «label: value» in ``columns`` columns. ``stacked`` puts every
    label above its value; otherwise a column shows each label beside its value while its
    widest label and its widest value fit its width, and every label above its value when they
    do not (at 1024×768 and 125 % the panels fit the screen's width instead of scrolling
    sideways; at 1366×768 they keep one line per field)."""

    SPACING = 16  #: px between columns

    def __init__(self, fields: Sequence[tuple[str, str]] = BASIC_FIELDS, columns: int = 1,
                 parent: QWidget | None = None, stacked: bool = False):
        super().__init__(parent)
        self.fields = tuple(fields)
        self.values: dict[str, QLabel] = {}
        self.stacked = stacked
        row_layout = QHBoxLayout(self)
        row_layout.setContentsMargins(0, 0, 0, 0)
        row_layout.setSpacing(self.SPACING)
        per_column = (len(self.fields) + columns - 1) // columns
        self._columns: list[tuple[QFormLayout, list[QLabel], list[QLabel]]] = []
        for _ in range(columns):
            form = QFormLayout()
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            form.setHorizontalSpacing(12)
            form.setVerticalSpacing(4)
            row_layout.addLayout(form, 1)
            self._columns.append((form, [], []))
        for i, (name, label) in enumerate(self.fields):
            key = QLabel(tr(label) + ":")
            key.setObjectName("fieldLabel")
            key.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)  # level with a wrapped value's first line
            value = QLabel()
            value.setObjectName("fieldValue")
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form, keys, values = self._columns[i // per_column]
            form.addRow(key, value)
            keys.append(key)
            values.append(value)
            self.values[name] = value
        self._arrange()

    def _arrange(self) -> None:
        """Side by side or label above value, per column, for the current width."""
        count = len(self._columns)
        width = (self.width() - self.SPACING * (count - 1)) / max(count, 1)
        for form, keys, values in self._columns:
            beside = not self.stacked
            if beside:
                for w in keys + values:
                    w.ensurePolished()  # measured in the style sheet's font
                need = (max((k.sizeHint().width() for k in keys), default=0) + form.horizontalSpacing()
                        + max((v.minimumWidth() for v in values), default=0))
                beside = need <= width
            policy = QFormLayout.RowWrapPolicy.DontWrapRows if beside else QFormLayout.RowWrapPolicy.WrapAllRows
            if form.rowWrapPolicy() != policy:
                form.setRowWrapPolicy(policy)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._arrange()

    def set_student(self, student: Student | None) -> None:
        """Fill the values (empty for ``None``)."""
        for name, label in self.values.items():
            text = field_text(student, name) if student is not None else ""
            label.setText(text)
            # A wrapped label breaks only between words: its longest word is its minimum width.
            label.ensurePolished()
            metrics = label.fontMetrics()
            words = text.replace("\u200b", " ").split()
            label.setMinimumWidth(max((metrics.horizontalAdvance(w) for w in words), default=0))
        self._arrange()

    def value(self, name: str) -> str:
        """The text shown for field ``name`` (tests, accessibility)."""
        return self.values[name].text()
