"""Placeholder."""
from ui.widgets.common import Screen


class PrintTemporaryScreen(Screen):
    def __init__(self, services, parent=None):
        super().__init__(services, "PrintTemporaryScreen", "", parent)
