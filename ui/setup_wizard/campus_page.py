"""Page 3, «Plantel»: the planteles this desk serves."""
from __future__ import annotations

from typing import TYPE_CHECKING
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QVBoxLayout

from ui.setup_wizard.base import BAD_STYLE, WizardPageBase

if TYPE_CHECKING:
    from ui.setup_wizard.wizard import SetupWizard


class CampusPage(WizardPageBase):
    """Choose the planteles this desk serves."""

    def __init__(self, wizard: "SetupWizard"):
        super().__init__(wizard)
        self.setTitle(self.tr("Plantel"))
        self.setSubTitle(self.tr("Marque el plantel (o los planteles) que atiende esta estación."))
        self.list = QListWidget()
        self.list.setObjectName("campusList")
        self.list.itemChanged.connect(lambda _item: self._changed())
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.status)

    def initializePage(self) -> None:  # noqa: N802 - Qt API
        """Fill the list from the server's planteles; pre-check the configured ones."""
        self.list.blockSignals(True)
        self.list.clear()
        chosen = set(self.w.state.chosen_campuses or self.w.config.campuses)
        for code, name in self.w.state.campuses:
            item = QListWidgetItem(f"{code} — {name}" if name else code)
            item.setData(Qt.ItemDataRole.UserRole, code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if code in chosen or len(self.w.state.campuses) == 1
                               else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.list.blockSignals(False)
        if not self.w.state.campuses:
            self.show_status(self.tr("El servidor no tiene planteles dados de alta; pida a la Dirección Estatal que los "
                                     "registre."), BAD_STYLE)
        self._changed()

    def checked(self) -> list[str]:
        """Codes of the checked planteles, in list order."""
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())
                if self.list.item(i).checkState() == Qt.CheckState.Checked]

    def _changed(self) -> None:
        self.w.state.chosen_campuses = self.checked()
        if self.w.state.campuses:
            if self.w.state.chosen_campuses:
                self.show_status(self.tr("Planteles elegidos: {0}").format(", ".join(self.w.state.chosen_campuses)))
            else:
                self.show_status(self.tr("Marque al menos un plantel."), BAD_STYLE)
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802 - Qt API
        """At least one plantel checked."""
        return bool(self.checked())
