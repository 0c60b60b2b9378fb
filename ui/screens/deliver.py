"""Placeholder."""
from ui.widgets.common import Screen


class DeliverScreen(Screen):
    def __init__(self, services, parent=None):
        super().__init__(services, "DeliverScreen", "", parent)
