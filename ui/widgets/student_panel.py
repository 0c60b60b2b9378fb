"""The «Datos del alumno» block (manual §8–§12): name, status tag, the data
grid and, optionally, the photo and the signature."""
from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ui.widgets.controls import card
from ui.widgets.images import ImageBox
from ui.widgets.student_fields import BASIC_FIELDS, StatusTag, StudentDetails


class StudentPanel(QWidget):
    """A card with the student's data; ``with_images`` adds photo and signature boxes."""

    def __init__(self, title: str, fields=BASIC_FIELDS, columns: int = 2, with_images: bool = True,
                 parent: QWidget | None = None, stacked: bool = False):
        super().__init__(parent)
        frame, layout = card(title)
        head = QHBoxLayout()
        self.name_label = QLabel()
        self.name_label.setObjectName("sectionTitle")
        self.name_label.setWordWrap(True)  # long names wrap instead of widening narrow panels
        self.tag = StatusTag()
        self.tag.hide()
        head.addWidget(self.name_label)
        head.addWidget(self.tag)
        head.addStretch(1)
        layout.addLayout(head)
        row = QHBoxLayout()
        self.details = StudentDetails(fields, columns, stacked=stacked)
        row.addWidget(self.details, 1)
        self.photo = self.signature = None
        if with_images:
            images = QGridLayout()
            self.photo = ImageBox(self.tr("Sin fotografía"), 120, 160)
            self.signature = ImageBox(self.tr("Sin firma"), 184, 70)  # 210 px scrolled «Entregar» sideways at 1024×768
            images.addWidget(QLabel(self.tr("Fotografía:")), 0, 0)
            images.addWidget(self.photo, 1, 0)
            images.addWidget(QLabel(self.tr("Firma:")), 2, 0)
            images.addWidget(self.signature, 3, 0)
            images.setRowStretch(4, 1)  # at the top, beside the name: centred on a tall stacked panel they fell below the fold
            row.addLayout(images)
        layout.addLayout(row)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(frame)
        self.student = None

    def set_student(self, student, photo: bytes | None = None, signature: bytes | None = None) -> None:
        """Show ``student`` (``None`` clears) and its images."""
        self.student = student
        self.name_label.setText(student.full_name if student else "")
        self.tag.set_status(student.status if student else None)
        self.details.set_student(student)
        if self.photo is not None:
            self.photo.set_bytes(photo)
            self.signature.set_bytes(signature)
