"""Placeholder."""
from ui.widgets.common import Screen


class SaeImportScreen(Screen):
    def __init__(self, services, parent=None):
        super().__init__(services, "SaeImportScreen", "", parent)
