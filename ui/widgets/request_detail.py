"""One request as the screens show it (``RequestDetail`` of the contract): folio, type,
state, dates (overdue marked), the form's values, the documents (view in the app or
save a copy), the timeline, the answer or the cancellation reason, the response letter
once attended, and the action buttons.

The buttons never decide anything: a button is enabled only when the server lists its
action in ``allowed_actions`` for this user (the requester never sees «Aprobar» on
their own request; a non-systems user sees no review action at all), and the server
checks again. Cancelling asks for the reason and «Marcar como atendida» for the
response in the same text box; both are required (the domain's table says which).

Documents and letters stay in memory: «Ver» opens :class:`DocumentViewer` (PDF pages
rendered by pypdfium2, images, CSV as text); only «Guardar copia…» writes a file,
where the person chooses.
"""
from __future__ import annotations

from datetime import datetime
from typing import Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtGui import QColor, QPixmap
from PySide6.QtWidgets import (
    QComboBox, QDialog, QFileDialog, QFormLayout, QHBoxLayout, QHeaderView, QLabel, QPlainTextEdit, QScrollArea,
    QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from station.domain.requests import ACTION_LABELS, REQUEST_TRANSITIONS, REQUEST_TYPES, STATE_LABELS, RequestAction
from ui.dates import format_datetime
from ui.domain_labels import domain_text
from ui.widgets.controls import button, card

#: Colour of each request state's tag (green family for progress, red for cancelled).
STATE_COLORS = {"received": "#5b6b8c", "in_review": "#a36a00", "cancelled": "#9b2c2c", "approved": "#2f7d4f",
                "in_progress": "#1f6f8b", "attended": "#23543a"}
#: The text each action needs (``reason`` / ``response``), from the domain's table.
REQUIRES = {t.action.value: t.requires for t in REQUEST_TRANSITIONS}
#: Timeline label of each bitácora action code when the server sends no ``action_label``
#: (the server's list: server/requests/bitacora.py ``EXTRA_ACTIONS``; others shown as sent).
TIMELINE_ACTIONS = {"file": QT_TRANSLATE_NOOP("Domain", "Presentada"),
                    "attach": QT_TRANSLATE_NOOP("Domain", "Documento adjuntado"),
                    "read": QT_TRANSLATE_NOOP("Domain", "Documento consultado"),
                    "remind": QT_TRANSLATE_NOOP("Domain", "Recordatorio por vencimiento"),
                    "escalate": QT_TRANSLATE_NOOP("Domain", "Escalada a la jefatura"),
                    "campaign": QT_TRANSLATE_NOOP("Domain", "Envío masivo iniciado"),
                    "read_denied": QT_TRANSLATE_NOOP("Domain", "Consulta de documento rechazada"),
                    "mail_failed": QT_TRANSLATE_NOOP("Domain", "Aviso por correo no enviado"),
                    "accounts": QT_TRANSLATE_NOOP("Domain", "Cuentas propuestas"),
                    **{a.value: ACTION_LABELS[a] for a in RequestAction}}
#: State code → Spanish label (the domain's).
STATES = {s.value: label for s, label in STATE_LABELS.items()}

#: Qt translation (pyside6-lupdate extracts ``translate("Context", "text")`` calls).
translate = QCoreApplication.translate



def when(value: str | None) -> str:
    """An ISO 8601 timestamp of the server as «31 de enero de 2026, 9:05» (local time)."""
    if not value:
        return "—"
    try:
        return format_datetime(datetime.fromisoformat(str(value).replace("Z", "+00:00")))
    except ValueError:
        return str(value)


def when_short(value: str | None) -> str:
    """An ISO 8601 timestamp as «29/11/26 12:45» (local time) for table cells."""
    if not value:
        return "—"
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return str(value)
    moment = moment.astimezone() if moment.tzinfo is not None else moment
    return f"{moment:%d/%m/%y %H:%M}"


def size_text(size) -> str:
    """«12 KB», «1.4 MB»."""
    size = int(size or 0)
    return f"{size / 1048576:.1f} MB" if size >= 1048576 else f"{max(1, round(size / 1024))} KB"


def read_only_table(headers: list[str], stretch: int) -> QTableWidget:
    """A table for display: whole-row selection, no editing, column ``stretch`` takes the room."""
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
    table.setWordWrap(True)
    head = table.horizontalHeader()
    head.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    head.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


class StateTag(QLabel):
    """The coloured pill of a request state."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("statusTag")

    def set_state(self, state: str, label: str) -> None:
        self.setText(domain_text(label))
        self.setStyleSheet(f"background: {STATE_COLORS.get(state, '#5b6b8c')};")


class DocumentViewer(QDialog):
    """A document or letter shown from memory (``data`` bytes of ``content_type``), with
    «Guardar copia…». PDF pages are rendered as images; XLSX cannot be shown (save it)."""

    def __init__(self, title: str, filename: str, content_type: str, data: bytes,
                 save: Callable[[str, bytes], None], parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.filename, self.data = filename, data
        layout = QVBoxLayout(self)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        inner = QWidget()
        pages = QVBoxLayout(inner)
        self.pages = 0
        if content_type == "application/pdf":
            from ui.printing import render_pages

            for image in render_pages(data, 96):
                label = QLabel()
                label.setPixmap(QPixmap.fromImage(image))
                label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
                pages.addWidget(label)
                self.pages += 1
        elif content_type in ("image/jpeg", "image/png"):
            pixmap = QPixmap()
            pixmap.loadFromData(data)
            label = QLabel()
            label.setPixmap(pixmap.scaledToWidth(min(pixmap.width(), 900), Qt.TransformationMode.SmoothTransformation))
            pages.addWidget(label)
            self.pages = 1
        elif content_type == "text/csv":
            text = QPlainTextEdit()
            text.setReadOnly(True)
            for encoding in ("utf-8-sig", "cp1252"):
                try:
                    text.setPlainText(data.decode(encoding))
                    break
                except UnicodeDecodeError:
                    continue
            pages.addWidget(text)
            self.pages = 1
        else:
            note = QLabel(self.tr("Este documento no se puede mostrar aquí; guarde una copia para abrirlo con Excel."))
            note.setWordWrap(True)
            pages.addWidget(note)
        scroll.setWidget(inner)
        layout.addWidget(scroll, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        self.save_button = button(self.tr("Guardar copia…"), slot=lambda: save(filename, data))
        row.addWidget(self.save_button)
        row.addWidget(button(self.tr("Cerrar"), slot=self.accept))
        layout.addLayout(row)
        screen = (parent.screen() if parent is not None else None)
        area = screen.availableGeometry() if screen is not None else None
        self.resize(min(900, area.width() - 40) if area else 900, min(680, area.height() - 60) if area else 680)


class RequestDetailView(QWidget):
    """The detail of one request. Signals: ``back`` («Volver a la lista»),
    ``act(action, text)`` (a button whose action the server allows), ``view_document(id)``,
    ``save_document(id)``, ``attach(kind)``, ``view_letter()``, ``save_letter()``.

    ``all_actions``: show every action button (the systems office's queue) — those the
    server does not allow are disabled; otherwise only the allowed ones appear (the
    requester may cancel their own request while it is received or in review).
    """

    back = Signal()
    act = Signal(str, str)
    view_document = Signal(int)
    save_document = Signal(int)
    attach = Signal(str)
    view_letter = Signal()
    save_letter = Signal()
    propose_accounts = Signal()

    def __init__(self, all_actions: bool, parent=None):
        super().__init__(parent)
        self.all_actions = all_actions
        self.detail: dict | None = None
        self.type_info: dict | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)

        head = QHBoxLayout()
        self.back_button = button(self.tr("← Volver a la lista"), slot=self.back.emit)
        self.back_button.setShortcut(Qt.Key.Key_Escape)
        self.folio_label = QLabel("")
        self.folio_label.setObjectName("sectionTitle")
        self.folio_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.state_tag = StateTag()
        head.addWidget(self.back_button)
        head.addWidget(self.folio_label, 1)
        head.addWidget(self.state_tag)
        layout.addLayout(head)

        info_card, info = card()
        self.type_label = QLabel("")
        self.type_label.setObjectName("sectionTitle")
        self.type_label.setWordWrap(True)
        info.addWidget(self.type_label)
        self.info_form = QFormLayout()
        self.info_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        info.addLayout(self.info_form)
        self.outcome_label = QLabel("")
        self.outcome_label.setWordWrap(True)
        self.outcome_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        info.addWidget(self.outcome_label)
        letter_row = QHBoxLayout()
        self.letter_button = button(self.tr("Ver carta de respuesta (PDF)"), "primary", self.view_letter.emit)
        self.save_letter_button = button(self.tr("Guardar carta…"), slot=self.save_letter.emit)
        letter_row.addWidget(self.letter_button)
        letter_row.addWidget(self.save_letter_button)
        letter_row.addStretch(1)
        info.addLayout(letter_row)
        layout.addWidget(info_card)

        act_card, act = card(self.tr("Acciones"))
        self.note_edit = QPlainTextEdit()
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setFixedHeight(64)
        self.note_edit.setPlaceholderText(self.tr("Motivo de la cancelación o respuesta al marcar como atendida "
                                              "(obligatorios)."))
        act.addWidget(self.note_edit)
        buttons = QHBoxLayout()
        self.action_buttons: dict[str, object] = {}
        for action in RequestAction:
            role = "danger" if action == RequestAction.CANCEL else ""
            b = button(domain_text(ACTION_LABELS[action]), role, lambda _=False, a=action.value: self._act(a))
            b.setObjectName(role or f"action_{action.value}")
            self.action_buttons[action.value] = b
            buttons.addWidget(b)
        buttons.addStretch(1)
        act.addLayout(buttons)
        self.accounts_button = button(self.tr("Proponer las cuentas de la solicitud"), slot=self.propose_accounts.emit)
        self.accounts_button.setToolTip(self.tr("Reserva las direcciones de los alumnos o del personal de la "
                                                "solicitud; se crean desde «Cuentas institucionales»."))
        act.addWidget(self.accounts_button)
        self.none_label = QLabel(self.tr("No hay acciones disponibles para usted en esta solicitud."))
        self.none_label.setObjectName("subtitle")
        act.addWidget(self.none_label)
        self.act_card = act_card
        layout.addWidget(act_card)

        docs_card, docs = card(self.tr("Documentos"))
        self.docs = read_only_table([self.tr("Documento"), self.tr("Archivo"), self.tr("Tamaño"), self.tr("Subido")], 1)
        self.docs.itemActivated.connect(lambda _item: self._doc(self.view_document))
        docs.addWidget(self.docs)
        row = QHBoxLayout()
        self.view_button = button(self.tr("Ver documento"), slot=lambda: self._doc(self.view_document))
        self.save_button = button(self.tr("Guardar copia…"), slot=lambda: self._doc(self.save_document))
        self.attach_kind = QComboBox()
        self.attach_button = button(self.tr("Adjuntar documento…"), slot=lambda: self.attach.emit(
            self.attach_kind.currentData() or ""))
        row.addWidget(self.view_button)
        row.addWidget(self.save_button)
        row.addStretch(1)
        row.addWidget(self.attach_kind)
        row.addWidget(self.attach_button)
        docs.addLayout(row)
        layout.addWidget(docs_card)

        fields_card, fields = card(self.tr("Datos de la solicitud"))
        self.fields_form = QFormLayout()
        self.fields_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        fields.addLayout(self.fields_form)
        layout.addWidget(fields_card)

        time_card, timeline = card(self.tr("Historial"))
        self.timeline = read_only_table([self.tr("Fecha"), self.tr("Quién"), self.tr("Acción"), self.tr("Cambio"),
                                         self.tr("Nota")], 4)
        self.timeline.setMinimumHeight(120)
        timeline.addWidget(self.timeline)
        layout.addWidget(time_card)

    # ------------------------------------------------------------- showing
    def show_detail(self, detail: dict, type_info: dict | None) -> None:
        """Fill everything from ``detail`` (``RequestDetail``); ``type_info`` gives the labels of
        the fields and documents (``GET /requests/types`` item) — unknown keys show as sent."""
        self.detail, self.type_info = detail, type_info or {}
        state = detail.get("state", "")
        self.folio_label.setText(detail.get("folio", ""))
        self.state_tag.set_state(state, detail.get("state_label", state))
        self.type_label.setText(domain_text(detail.get("type_label", detail.get("type", ""))))
        _clear_form(self.info_form)
        due = when(detail.get("due_at"))
        if detail.get("overdue"):
            due = self.tr("{0} — vencida").format(due)
        requester = detail.get("requester_name") or detail.get("requester", "")
        if detail.get("requester_name") and detail.get("requester"):
            requester = f"{detail['requester_name']} ({detail['requester']})"
        for label, value in ((self.tr("Solicitante"), requester), (self.tr("Plantel"), detail.get("campus") or "—"),
                             (self.tr("Presentada"), when(detail.get("created_at"))), (self.tr("Vence"), due),
                             (self.tr("Última actualización"), when(detail.get("updated_at")))):
            value_label = QLabel(value)
            value_label.setWordWrap(True)
            value_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            if label == self.tr("Vence") and detail.get("overdue"):
                value_label.setObjectName("error")
            self.info_form.addRow(label, value_label)
        outcome = ""
        if detail.get("cancel_reason"):
            outcome = self.tr("Motivo de la cancelación: {0}").format(detail["cancel_reason"])
        elif detail.get("response"):
            outcome = self.tr("Respuesta: {0}").format(detail["response"])
        self.outcome_label.setText(outcome)
        self.outcome_label.setVisible(bool(outcome))
        attended = state == "attended"
        self.letter_button.setVisible(attended)
        self.save_letter_button.setVisible(attended)

        field_labels = {f["name"]: f.get("label", f["name"]) for f in self.type_info.get("fields", [])}
        _clear_form(self.fields_form)
        for name, value in (detail.get("fields") or {}).items():
            text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
            value_label = QLabel(text)
            value_label.setWordWrap(True)
            value_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.fields_form.addRow(domain_text(field_labels.get(name, name)), value_label)

        doc_labels = {a["kind"]: a.get("label", a["kind"]) for a in self.type_info.get("attachments", [])}
        attachments = detail.get("attachments") or []
        self.docs.setRowCount(len(attachments))
        for r, a in enumerate(attachments):
            values = [domain_text(doc_labels.get(a.get("kind"), a.get("kind", ""))), a.get("filename", ""),
                      size_text(a.get("size")), when_short(a.get("uploaded_at"))]
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, a.get("id"))
                self.docs.setItem(r, c, item)
        if attachments:
            self.docs.selectRow(0)
        self.docs.setFixedHeight(self.docs.horizontalHeader().height() + 8
                                 + max(2, len(attachments)) * self.docs.verticalHeader().defaultSectionSize())
        self.view_button.setEnabled(bool(attachments))
        self.save_button.setEnabled(bool(attachments))
        self.attach_kind.clear()
        for kind, label in doc_labels.items():
            self.attach_kind.addItem(domain_text(label), kind)
        open_request = state not in ("cancelled", "attended")
        self.attach_kind.setVisible(open_request and bool(doc_labels))
        self.attach_button.setVisible(open_request and bool(doc_labels))

        timeline = detail.get("timeline") or []
        self.timeline.setRowCount(len(timeline))
        for r, e in enumerate(timeline):
            change = ""
            if e.get("to_state") and e.get("to_state") != e.get("from_state"):
                change = " → ".join(domain_text(STATES.get(s, s)) for s in (e.get("from_state"), e.get("to_state"))
                                    if s)
            values = [when_short(e.get("at")), e.get("actor", ""),
                      domain_text(e.get("action_label") or TIMELINE_ACTIONS.get(e.get("action"), e.get("action", ""))),
                      change,
                      e.get("note") or ""]
            for c, value in enumerate(values):
                self.timeline.setItem(r, c, QTableWidgetItem(value))
        self.timeline.resizeRowsToContents()

        allowed = set(detail.get("allowed_actions") or [])
        for code, b in self.action_buttons.items():
            b.setEnabled(code in allowed)
            b.setVisible(self.all_actions or code in allowed)
        needs_text = any(REQUIRES.get(code) for code in allowed)
        self.note_edit.setVisible(needs_text)
        self.note_edit.clear()
        self.none_label.setVisible(not allowed)
        kind = REQUEST_TYPES.get(detail.get("type", ""))
        self.accounts_button.setVisible(self.all_actions and state == "in_progress" and kind is not None
                                        and kind.accounts_kind in ("student", "staff"))
        self.act_card.setVisible(self.all_actions or bool(allowed))

    def allowed(self) -> set[str]:
        """Actions the server allows this user now."""
        return set((self.detail or {}).get("allowed_actions") or [])

    # ------------------------------------------------------------- actions
    def _act(self, action: str) -> None:
        if action not in self.allowed():
            return
        self.act.emit(action, self.note_edit.toPlainText().strip())

    def selected_document(self) -> int | None:
        """Id of the document selected in the table (``None`` when none)."""
        row = self.docs.currentRow()
        item = self.docs.item(row, 0) if row >= 0 else None
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def _doc(self, signal) -> None:
        doc_id = self.selected_document()
        if doc_id is not None:
            signal.emit(int(doc_id))

    def document(self, doc_id: int) -> dict | None:
        """The attachment ``doc_id`` of the shown request."""
        return next((a for a in (self.detail or {}).get("attachments") or [] if a.get("id") == doc_id), None)

    def focus_first(self) -> None:
        """Focus the first enabled action, else «Volver»."""
        target = next((b for b in self.action_buttons.values() if b.isVisible() and b.isEnabled()), self.back_button)
        target.setFocus()


def _clear_form(form: QFormLayout) -> None:
    while form.rowCount():
        form.removeRow(0)


def overdue_brush() -> QColor:
    """Background of an overdue row in the lists."""
    return QColor("#fbe3e3")


def save_dialog(parent, suggested: str) -> str:
    """Qt's save dialog (Spanish, non-native) for ``suggested``; the chosen path or ""."""
    from pathlib import Path

    path, _ = QFileDialog.getSaveFileName(parent, translate("RequestDetail", "Guardar copia"),
                                          str(Path.home() / suggested),
                                          options=QFileDialog.Option.DontUseNativeDialog)
    return path
