"""Placeholder."""
from ui.widgets.common import Screen


class CaptureScreen(Screen):
    def __init__(self, services, parent=None):
        super().__init__(services, "CaptureScreen", "", parent)
