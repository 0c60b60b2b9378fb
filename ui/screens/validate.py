"""Placeholder."""
from ui.widgets.common import Screen


class ValidateScreen(Screen):
    def __init__(self, services, parent=None):
        super().__init__(services, "ValidateScreen", "", parent)
