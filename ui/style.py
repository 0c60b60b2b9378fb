"""The station's one stylesheet and palette (readable at 1366×768).

Colours follow the credential (CONALEP green #0B6B3A); body text 10.5 pt,
titles 15 pt, buttons at least 30 px high for a touch screen.
"""
from __future__ import annotations

from pathlib import Path

GREEN = "#0b6b3a"
GREEN_DARK = "#08512c"
GREEN_LIGHT = "#e3f1e8"
RED = "#b71c1c"
AMBER = "#8a5a00"
INK = "#1a1a1a"
GREY = "#5a5a5a"
BORDER = "#c9d3cc"
BACKGROUND = "#f4f6f5"

#: Colour of each status in the chart and tags (code → hex).
STATUS_COLORS = {
    "ENROLLED": "#90a4ae", "DEFERRED": "#ef6c00", "CAPTURED": "#1e88e5", "VALIDATED": "#43a047",
    "REQUESTED": "#8e24aa", "REJECTED": "#e53935", "RETAKE": "#d81b60", "PRINTING": "#00897b",
    "RECEIVED": "#3949ab", "DELIVERED": "#0b6b3a",
}

#: Horizontal padding and margin (px) of a sidebar menu entry: the sidebar's width is measured from
#: them (ui.widgets.side_menu), so every pixel here widens the sidebar twice.
MENU_ITEM_PADDING_X, MENU_ITEM_MARGIN_X = 10, 4

STYLESHEET = f"""
QWidget {{ font-size: 10.5pt; color: {INK}; }}
QMainWindow, QDialog, #screen {{ background: {BACKGROUND}; }}
#sidebar {{ background: {GREEN_DARK}; border: none; }}
#sidebar QLabel {{ color: white; }}
#brand {{ font-size: 10.5pt; font-weight: bold; color: white; padding: 10px 2px 4px 4px; }}
#brandSub {{ color: #cfe8d8; padding: 0 12px 10px 12px; font-size: 9.5pt; }}
#menu {{ background: transparent; border: none; color: white; outline: 0; }}
#menu::item {{ padding: 9px {MENU_ITEM_PADDING_X}px; margin: 1px {MENU_ITEM_MARGIN_X}px; border-radius: 6px;
              color: #e8f3ec; }}
#menu::item:selected {{ background: white; color: {GREEN_DARK}; font-weight: bold; }}
#menu::item:hover:!selected {{ background: rgba(255,255,255,0.14); }}
#title {{ font-size: 15pt; font-weight: bold; color: {GREEN_DARK}; }}
#subtitle {{ color: {GREY}; }}
#card {{ background: white; border: 1px solid {BORDER}; border-radius: 8px; }}
#sectionTitle {{ font-weight: bold; color: {GREEN_DARK}; font-size: 11pt; }}
#fieldLabel {{ color: {GREY}; }}
#fieldValue {{ font-weight: 600; }}
#error {{ color: {RED}; font-weight: bold; }}
#notice {{ color: {AMBER}; font-weight: bold; }}
#ok {{ color: {GREEN}; font-weight: bold; }}
#statusTag {{ border-radius: 10px; padding: 2px 10px; color: white; font-weight: bold; }}
QPushButton {{ background: white; border: 1px solid {BORDER}; border-radius: 6px; padding: 6px 14px;
               min-height: 20px; }}
QPushButton:hover {{ border-color: {GREEN}; }}
QPushButton:focus {{ border: 2px solid {GREEN}; }}
QPushButton:disabled {{ color: #9aa39d; background: #eef1ef; }}
QPushButton#primary {{ background: {GREEN}; color: white; border: 1px solid {GREEN_DARK}; font-weight: bold; }}
QPushButton#primary:hover {{ background: {GREEN_DARK}; }}
QPushButton#primary:disabled {{ background: #9fc1ab; color: #eef5f0; }}
QPushButton#danger {{ background: {RED}; color: white; border: 1px solid #7f1010; font-weight: bold; }}
QPushButton#danger:disabled {{ background: #d9a0a0; color: #fff; }}
QLineEdit, QComboBox, QDateEdit, QPlainTextEdit, QSpinBox {{ background: white; border: 1px solid {BORDER};
               border-radius: 5px; padding: 4px 6px; min-height: 20px; }}
QLineEdit:focus, QComboBox:focus, QDateEdit:focus, QPlainTextEdit:focus {{ border: 2px solid {GREEN}; }}
QLineEdit[invalid="true"], QPlainTextEdit[invalid="true"], QDateEdit[invalid="true"] {{ border: 2px solid {RED}; }}
QTableView {{ background: white; border: 1px solid {BORDER}; gridline-color: #e3e8e5;
              selection-background-color: {GREEN_LIGHT}; selection-color: {INK}; }}
QHeaderView::section {{ background: {GREEN_LIGHT}; border: none; border-right: 1px solid {BORDER};
                        padding: 5px 3px; font-size: 9.5pt; font-weight: bold; color: {GREEN_DARK}; }}
QStatusBar {{ background: white; border-top: 1px solid {BORDER}; }}
QStatusBar QLabel {{ padding: 0 8px; }}
#online {{ color: {GREEN}; font-weight: bold; }}
#offline {{ color: {RED}; font-weight: bold; }}
QCheckBox, QRadioButton {{ spacing: 6px; }}
QProgressBar {{ border: 1px solid {BORDER}; border-radius: 5px; background: white; text-align: center;
                max-height: 14px; }}
QProgressBar::chunk {{ background: {GREEN}; border-radius: 4px; }}
QScrollArea {{ border: none; background: transparent; }}
#loginPanel {{ background: white; border: 1px solid {BORDER}; border-radius: 10px; }}
"""


def icon_path() -> Path:
    """Path of the application icon (SVG, drawn for the product)."""
    return Path(__file__).resolve().parents[1] / "resources" / "icons" / "app.svg"


def app_icon():
    """The application :class:`QIcon` (import Qt lazily)."""
    from PySide6.QtGui import QIcon

    return QIcon(str(icon_path()))


def apply_style(app) -> None:
    """Install the stylesheet, the Fusion style, the icon and the Spanish
    translations (:func:`ui.i18n.install_translations`) on a ``QApplication``."""
    from ui.i18n import install_translations

    install_translations(app)
    app.setStyle("Fusion")
    app.setStyleSheet(STYLESHEET)
    app.setWindowIcon(app_icon())
