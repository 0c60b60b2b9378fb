"""Placeholder."""
from ui.widgets.common import Screen


class SettingsScreen(Screen):
    def __init__(self, services, parent=None):
        super().__init__(services, "SettingsScreen", "", parent)
