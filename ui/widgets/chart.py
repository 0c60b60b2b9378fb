"""A bar chart of students per status (manual §6), painted with QPainter
(PySide6-Essentials has no QtCharts)."""
from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget


class BarChart(QWidget):
    """Vertical bars: ``set_data([(label, value, "#hex"), ...])``. Values are
    drawn above each bar; labels under it (wrapped to two lines when long)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.data: list[tuple[str, int, str]] = []
        self.setMinimumHeight(190)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(900, 220)

    def set_data(self, data: list[tuple[str, int, str]]) -> None:
        """Replace the bars and repaint."""
        self.data = list(data)
        self.update()

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt API
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor("white"))
        if not self.data:
            p.setPen(QColor("#5a5a5a"))
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.tr("Sin datos"))
            return
        font = QFont(self.font())
        font.setPointSizeF(9.0)
        p.setFont(font)
        metrics = p.fontMetrics()
        top, bottom, left, right = 22, 2 * metrics.height() + 10, 12, 12
        plot = QRectF(left, top, self.width() - left - right, self.height() - top - bottom)
        peak = max(1, max(v for _, v, _ in self.data))
        slot = plot.width() / len(self.data)
        bar_w = min(56.0, slot * 0.62)
        p.setPen(QPen(QColor("#c9d3cc"), 1))
        p.drawLine(plot.bottomLeft(), plot.bottomRight())
        for i, (label, value, color) in enumerate(self.data):
            x = plot.left() + i * slot + (slot - bar_w) / 2
            h = plot.height() * value / peak
            bar = QRectF(x, plot.bottom() - h, bar_w, h)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor(color))
            p.drawRoundedRect(bar, 3, 3)
            p.setPen(QColor("#1a1a1a"))
            p.drawText(QRectF(x - 10, bar.top() - metrics.height() - 2, bar_w + 20, metrics.height()),
                       Qt.AlignmentFlag.AlignCenter, str(value))
            p.setPen(QColor("#3a3a3a"))
            p.drawText(QRectF(plot.left() + i * slot, plot.bottom() + 4, slot, 2 * metrics.height() + 4),
                       Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap, label)
        p.end()
