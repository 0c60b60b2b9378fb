"""Placeholder."""
from ui.widgets.common import Screen


class RejectScreen(Screen):
    def __init__(self, services, parent=None):
        super().__init__(services, "RejectScreen", "", parent)
