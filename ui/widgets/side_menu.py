"""The window's role menu (the green sidebar's list of screens).

It never shows a horizontal scroll bar: :meth:`SideMenu.needed_width` is the width its
longest entry needs as the selected entry is drawn (bold, with the style sheet's padding),
plus the vertical scroll bar's when the entries are taller than the list (a short screen at
125–150 %); the window sizes the sidebar from it (``ui.main_window``, signal
``widthNeeded``), and an entry that still cannot fit (the window's width cap, a longer
translation) is shortened with «…» by the style; its tooltip always says it whole.
"""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QAbstractItemView, QListView, QListWidget, QStyledItemDelegate, QStyleOptionViewItem


class _EntryDelegate(QStyledItemDelegate):
    """Measures each entry in bold (the selected entry's font, ``ui.style``) and, once
    ``capped``, never wider than the list's viewport (the style elides what does not fit)."""

    def __init__(self, view: QListWidget) -> None:
        super().__init__(view)
        self.view = view
        self.capped = False

    def sizeHint(self, option: QStyleOptionViewItem, index) -> QSize:  # noqa: N802 - Qt API
        bold = QStyleOptionViewItem(option)
        font = QFont(bold.font)
        font.setBold(True)
        bold.font = font
        size = super().sizeHint(bold, index)
        if self.capped and self.view.viewport().width() > 0:
            size.setWidth(min(size.width(), self.view.viewport().width()))
        return size


class SideMenu(QListWidget):
    """The menu list: one entry per screen, no horizontal scroll bar, no focus (Ctrl+1…9
    switch screens; Tab stays in the screen)."""

    #: The width (logical pixels) the list needs changed (:meth:`needed_width`).
    widthNeeded = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("menu")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setResizeMode(QListView.ResizeMode.Adjust)  # entries re-measured when a vertical bar comes or goes
        self._delegate = _EntryDelegate(self)
        self.setItemDelegate(self._delegate)
        self._delegate.capped = True
        self._announced = 0
        self.verticalScrollBar().rangeChanged.connect(self._announce)

    def needed_width(self) -> int:
        """:meth:`natural_width`, plus the vertical scroll bar's width while the entries are
        taller than the list."""
        bar = self.verticalScrollBar()
        return self.natural_width() + (bar.sizeHint().width() if bar.maximum() > bar.minimum() else 0)

    def _announce(self, *_range) -> None:
        width = self.needed_width()
        if width != self._announced:
            self._announced = width
            self.widthNeeded.emit(width)

    def natural_width(self) -> int:
        """Pixels (logical) the list needs so that every entry shows whole, selected (bold)
        included, without a vertical scroll bar."""
        self.ensurePolished()
        self._delegate.capped = False
        try:
            return self.sizeHintForColumn(0) + 2 * self.frameWidth()
        finally:
            self._delegate.capped = True
