"""Placeholder."""
from ui.widgets.common import Screen


class SyncScreen(Screen):
    def __init__(self, services, parent=None):
        super().__init__(services, "SyncScreen", "", parent)
