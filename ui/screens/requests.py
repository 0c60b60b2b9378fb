"""«Solicitudes» for every signed-in user and «Atender solicitudes» (the queue) for the systems
office (Centro de Cómputo / DGTI) — issue #19 item 7, DESIGN.md §12.

«Solicitudes»: file a request (the type chooser and a form built from the type's field
list that the server sends, documents chosen with a file dialog and checked on the
desk first), the list of one's own requests with their state (filter by state and type,
search by folio), and the detail with its timeline, documents and, once attended, the
response letter. The requester may cancel their own request while it waits.

«Atender solicitudes»: the open requests of the office's planteles, soonest due
first, overdue ones in red; the detail's buttons (Revisar, Aprobar, Cancelar with a
reason, Iniciar atención, Marcar como atendida with the response) are enabled only for
the actions the server lists for this user — the server decides and checks again.

Requests live on the central server only: without a connection the screens say so in
Spanish and keep what was typed. Everything goes through
:class:`station.service_requests.ServiceRequests`; no rule lives here.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox, QFileDialog, QHBoxLayout, QLabel, QLineEdit, QStackedWidget, QTableWidgetItem, QTabWidget,
    QVBoxLayout, QWidget,
)

from station.domain.requests import STATE_LABELS, RequestState
from station.service_requests import OPEN_STATES, PartialFiling
from ui.domain_labels import domain_text
from ui.widgets.controls import button
from ui.widgets.request_detail import (
    REQUIRES, DocumentViewer, RequestDetailView, overdue_brush, read_only_table, save_dialog, when_short,
)
from ui.widgets.request_form import RequestForm
from ui.screens.base import Screen

#: Qt translation (pyside6-lupdate extracts ``translate("Context", "text")`` calls).
translate = QCoreApplication.translate



#: What an action needs written, said when the text box is empty.
NEEDS_TEXT = {"reason": QT_TRANSLATE_NOOP("Requests", "Escriba el motivo de la cancelación en el cuadro de texto."),
              "response": QT_TRANSLATE_NOOP("Requests", "Escriba la respuesta (qué se hizo) en el cuadro de texto.")}


class RequestBrowser(QWidget):
    """Filters, the table of requests and the detail of one (a stack: list ↔ detail).

    ``screen`` (kept as ``owner``) is the owning :class:`Screen` (worker threads, message line). ``queue``
    True: the systems office's queue (open requests, soonest due first, every action
    button shown); False: one's own requests, newest first.
    """

    #: (header, value of a RequestSummary) of the table; the requester column only in the queue
    #: (one's own list is all one's own), the filing date only in one's own list.
    COLUMNS = (QT_TRANSLATE_NOOP("Requests", "Folio"), QT_TRANSLATE_NOOP("Requests", "Tipo"),
               QT_TRANSLATE_NOOP("Requests", "Estado"), QT_TRANSLATE_NOOP("Requests", "Solicitante"),
               QT_TRANSLATE_NOOP("Requests", "Presentada"), QT_TRANSLATE_NOOP("Requests", "Vence"))

    def __init__(self, screen: Screen, queue: bool, parent=None):
        super().__init__(parent)
        self.owner = screen
        self.queue = queue
        self.items: list[dict] = []
        self.types: list[dict] = []
        self._generation = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.stack = QStackedWidget()
        layout.addWidget(self.stack)

        page = QWidget()
        page_layout = QVBoxLayout(page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        self.state_combo = QComboBox()
        if queue:
            self.state_combo.addItem(self.tr("Abiertas"), "")
            states = [s for s in RequestState if s.value in OPEN_STATES]
        else:
            self.state_combo.addItem(self.tr("Todos los estados"), "")
            states = list(RequestState)
        for state in states:
            self.state_combo.addItem(domain_text(STATE_LABELS[state]), state.value)
        self.type_combo = QComboBox()
        self.type_combo.addItem(self.tr("Todos los tipos"), "")
        self.type_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.type_combo.setMinimumContentsLength(18)
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(self.tr("Buscar por folio (SOL-…)"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.returnPressed.connect(self.refresh)
        self.refresh_button = button(self.tr("Actualizar"), slot=self.refresh)
        self.refresh_button.setShortcut(QKeySequence("F5"))
        self.refresh_button.setToolTip(self.tr("Atajo: F5"))
        state_label = QLabel(self.tr("Estado:"))
        state_label.setBuddy(self.state_combo)
        type_label = QLabel(self.tr("Tipo:"))
        type_label.setBuddy(self.type_combo)
        bar.addWidget(state_label)
        bar.addWidget(self.state_combo)
        bar.addWidget(type_label)
        bar.addWidget(self.type_combo, 1)
        page_layout.addLayout(bar)
        if not queue:  # a second row: the bar fits 1024 px at 125 %
            bar = QHBoxLayout()
            bar.addWidget(self.search_edit, 1)
            page_layout.addLayout(bar)
        else:
            self.search_edit.hide()
        bar.addWidget(self.refresh_button)
        #: The row ending with «Actualizar» (the screen may add buttons to it).
        self.bar = bar
        self.table = read_only_table([self.tr(c) for c in self.COLUMNS], 1)
        self.table.setMinimumHeight(200)
        self.table.setColumnHidden(3, not queue)  # «Mis solicitudes»: the requester is oneself
        self.table.setColumnHidden(4, queue)  # the queue: the due date is what counts
        self.table.itemActivated.connect(lambda _item: self.open_selected())
        page_layout.addWidget(self.table, 1)
        foot = QHBoxLayout()
        self.count_label = QLabel("")
        self.count_label.setObjectName("subtitle")
        self.open_button = button(self.tr("Ver detalle"), slot=self.open_selected)
        foot.addWidget(self.count_label, 1)
        foot.addWidget(self.open_button)
        page_layout.addLayout(foot)
        self.stack.addWidget(page)

        self.detail = RequestDetailView(all_actions=queue)
        self.detail.back.connect(self.show_list)
        self.detail.act.connect(self.act)
        self.detail.view_document.connect(self.view_document)
        self.detail.save_document.connect(self.save_document)
        self.detail.attach.connect(self.attach)
        self.detail.view_letter.connect(self.view_letter)
        self.detail.save_letter.connect(self.save_letter)
        self.detail.propose_accounts.connect(self.propose_accounts)
        self.stack.addWidget(self.detail)

        self.state_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.type_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        #: The last document or letter shown (tests look at it).
        self.viewer: DocumentViewer | None = None
        #: (suggested file name) → chosen path or "". Tests replace it.
        self.ask_save_path = lambda suggested: save_dialog(self, suggested)
        #: (title, filter) → chosen path or "". Tests replace it.
        self.ask_open_file = lambda title, filt: QFileDialog.getOpenFileName(self, title, str(Path.home()), filt)[0]

    @property
    def client(self):
        return self.owner.services.service_requests

    # ------------------------------------------------------------- the list
    def set_types(self, types: list[dict]) -> None:
        """The type filter's choices (keeps the current choice)."""
        self.types = list(types)
        current = self.type_combo.currentData()
        self.type_combo.blockSignals(True)
        while self.type_combo.count() > 1:
            self.type_combo.removeItem(1)
        for kind in self.types:
            self.type_combo.addItem(domain_text(kind.get("label", kind["code"])), kind["code"])
        index = self.type_combo.findData(current)
        self.type_combo.setCurrentIndex(max(0, index))
        self.type_combo.blockSignals(False)

    def type_info(self, code: str) -> dict | None:
        return next((t for t in self.types if t.get("code") == code), None)

    def refresh(self) -> None:
        """Reload the table (off the GUI thread)."""
        state, type_code = self.state_combo.currentData() or None, self.type_combo.currentData() or None
        client = self.client
        if self.queue:
            work = lambda: client.queue(state, type_code)  # noqa: E731
        else:
            q = self.search_edit.text().strip()
            work = lambda: client.list(state, type_code, mine=True, q=q)["items"]  # noqa: E731
        self._generation += 1
        generation = self._generation

        def done(items: list[dict]) -> None:
            if generation == self._generation:  # an older answer (filters changed meanwhile) is dropped
                self.show_items(items)

        self.owner.run(work, done, self.tr("Consultando solicitudes…"))

    def show_items(self, items: list[dict]) -> None:
        """Fill the table; overdue rows in red."""
        selected = self.selected_folio()
        self.items = list(items)
        self.table.setRowCount(len(self.items))
        for r, item in enumerate(self.items):
            due = when_short(item.get("due_at"))
            if item.get("overdue"):
                due = self.tr("{0} · vencida").format(due)
            values = [item.get("folio", ""), domain_text(item.get("type_label", item.get("type", ""))),
                      domain_text(item.get("state_label", item.get("state", ""))),
                      item.get("requester_name") or item.get("requester", ""), when_short(item.get("created_at")), due]
            for c, value in enumerate(values):
                cell = QTableWidgetItem(value)
                cell.setData(Qt.ItemDataRole.UserRole, item.get("folio"))
                if c == 1:
                    cell.setToolTip(value)
                if item.get("overdue"):
                    cell.setBackground(overdue_brush())
                    cell.setToolTip(self.tr("Vencida: pasó el tiempo de atención."))
                self.table.setItem(r, c, cell)
            if item.get("folio") == selected:
                self.table.selectRow(r)
        if self.items and self.table.currentRow() < 0:
            self.table.selectRow(0)
        overdue = sum(1 for i in self.items if i.get("overdue"))
        text = self.tr("Solicitudes: {0}").format(len(self.items))
        if overdue:
            text += self.tr("; vencidas: {0}").format(overdue)
        self.count_label.setText(text + ".")
        self.open_button.setEnabled(bool(self.items))

    def selected_folio(self) -> str | None:
        row = self.table.currentRow()
        return self.items[row]["folio"] if 0 <= row < len(self.items) else None

    def open_selected(self) -> None:
        """Open the selected request's detail (Enter or double-click on the table)."""
        folio = self.selected_folio()
        if folio:
            self.open_folio(folio)

    def open_folio(self, folio: str) -> None:
        """Load and show request ``folio``."""
        self.owner.run(lambda: self.client.detail(folio), self.show_detail, self.tr("Abriendo la solicitud…"))

    def show_detail(self, detail: dict) -> None:
        self.detail.show_detail(detail, self.type_info(detail.get("type", "")))
        self.stack.setCurrentWidget(self.detail)
        self.owner.scroll.verticalScrollBar().setValue(0)
        self.detail.focus_first()

    def show_list(self) -> None:
        """Back to the table (and reload it)."""
        self.stack.setCurrentIndex(0)
        self.table.setFocus()
        self.refresh()

    def showing_detail(self) -> bool:
        return self.stack.currentWidget() is self.detail

    # ------------------------------------------------------------ actions
    def act(self, action: str, text: str) -> None:
        """Take ``action`` on the shown request; the text box carries the reason or response."""
        detail = self.detail.detail or {}
        folio = detail.get("folio", "")
        needs = REQUIRES.get(action, ())
        if needs and not text:
            self.owner.message.error(self.tr(NEEDS_TEXT[needs[0]]))
            self.detail.note_edit.setFocus()
            return
        reason = text if "reason" in needs else ""
        response = text if "response" in needs else ""

        def done(updated: dict) -> None:
            self.show_detail(updated)
            self.owner.message.ok(self.tr("Solicitud {0}: {1}.").format(
                updated.get("folio", folio), domain_text(updated.get("state_label", ""))))

        def failed(_exc) -> None:  # the state may have changed meanwhile: show it as it is now
            self.owner.run(lambda: self.client.detail(folio), lambda d: self.detail.show_detail(
                d, self.type_info(d.get("type", ""))), self.tr("Actualizando la solicitud…"), lambda _e: None)

        self.owner.run(lambda: self.client.act(folio, action, reason, response), done,
                        self.tr("Aplicando la acción…"), failed)

    def _save(self, suggested: str, data: bytes) -> None:
        path = self.ask_save_path(suggested)
        if not path:
            return

        def work():
            Path(path).write_bytes(data)
            return path

        self.owner.run(work, lambda p: self.owner.message.ok(self.tr("Copia guardada en {0}.").format(p)),
                        self.tr("Guardando…"))

    def _show_viewer(self, title: str, filename: str, content_type: str, data: bytes) -> None:
        if self.viewer is not None:
            self.viewer.close()
        self.viewer = DocumentViewer(title, filename, content_type, data, self._save, self)
        self.viewer.show()

    def view_document(self, doc_id: int) -> None:
        """Show a document in the app (kept in memory)."""
        meta = self.detail.document(doc_id) or {}
        folio = (self.detail.detail or {}).get("folio", "")
        self.owner.run(lambda: self.client.attachment(folio, doc_id),
                        lambda data: self._show_viewer(meta.get("filename", ""), meta.get("filename", "documento"),
                                                       meta.get("content_type", ""), data),
                        self.tr("Descargando el documento…"))

    def save_document(self, doc_id: int) -> None:
        """Save a copy of a document where the person chooses."""
        meta = self.detail.document(doc_id) or {}
        folio = (self.detail.detail or {}).get("folio", "")
        path = self.ask_save_path(meta.get("filename", "documento"))
        if not path:
            return

        def work():
            Path(path).write_bytes(self.client.attachment(folio, doc_id))
            return path

        self.owner.run(work, lambda p: self.owner.message.ok(self.tr("Copia guardada en {0}.").format(p)),
                        self.tr("Descargando el documento…"))

    def attach(self, kind: str) -> None:
        """«Adjuntar documento…» to the shown (open) request."""
        detail = self.detail.detail or {}
        if not kind:
            return
        path = self.ask_open_file(self.tr("Documento para adjuntar"),
                                  self.tr("Documentos (*.pdf *.jpg *.jpeg *.png *.xlsx *.csv)"))
        if not path:
            return
        folio, type_code = detail.get("folio", ""), detail.get("type", "")

        def done(updated: dict) -> None:
            self.show_detail(updated)
            self.owner.message.ok(self.tr("Documento adjuntado a {0}.").format(folio))

        self.owner.run(lambda: self.client.attach(folio, type_code, kind, path), done, self.tr("Adjuntando…"))

    def propose_accounts(self) -> None:
        """«Proponer las cuentas de la solicitud» (accounts requests «En proceso»): the server reserves
        the addresses under the folio; they are created from «Cuentas institucionales»."""
        folio = (self.detail.detail or {}).get("folio", "")

        def work():
            answer = self.client.propose_accounts(folio)
            return answer, self.client.detail(folio)

        def done(result) -> None:
            answer, updated = result
            self.show_detail(updated)
            self.owner.message.ok(self.tr("{0} cuentas propuestas para {1}; créelas desde «Cuentas institucionales» "
                                          "y después marque la solicitud como atendida.").format(
                answer.get("count", 0), folio))

        self.owner.run(work, done, self.tr("Proponiendo cuentas…"))

    def view_letter(self) -> None:
        """Show the response letter PDF."""
        folio = (self.detail.detail or {}).get("folio", "")
        self.owner.run(lambda: self.client.letter(folio),
                        lambda pdf: self._show_viewer(self.tr("Carta de respuesta {0}").format(folio),
                                                      f"respuesta-{folio}.pdf", "application/pdf", pdf),
                        self.tr("Descargando la carta…"))

    def save_letter(self) -> None:
        """Save the response letter PDF."""
        folio = (self.detail.detail or {}).get("folio", "")
        path = self.ask_save_path(f"respuesta-{folio}.pdf")
        if not path:
            return

        def work():
            Path(path).write_bytes(self.client.letter(folio))
            return path

        self.owner.run(work, lambda p: self.owner.message.ok(self.tr("Carta guardada en {0}.").format(p)),
                        self.tr("Descargando la carta…"))


class _RequestScreen(Screen):
    """Shared plumbing: the connection check and the types loaded once."""

    def _online(self) -> bool:
        api = getattr(self.services, "api", None)
        if api is None or not getattr(api, "token", None):
            self.message.notice(translate("Requests", "Sin conexión con el servidor central: las solicitudes se "
                                          "presentan y consultan en línea. Revise la red del plantel e intente de "
                                          "nuevo."))
            return False
        return True

    def load_types(self, then=None) -> None:
        """Ask the server for the types once (they carry the forms), then ``then(types)``."""
        client = self.services.service_requests
        self.run(client.types, lambda types: (self.show_types(types), then and then()),
                 translate("Requests", "Cargando tipos de solicitud…"), load=True)

    def show_types(self, types: list[dict]) -> None:
        """Subclasses fill their choosers."""


class RequestsScreen(_RequestScreen):
    """«Solicitudes»: file a request, follow one's own requests."""

    def __init__(self, services, parent=None):
        super().__init__(services, self.tr("Solicitudes"),
                         self.tr("Pida al Centro de Cómputo cuentas de correo, reinicios de contraseña, ayuda con el "
                                 "correo o un envío masivo, con sus documentos, y siga cada solicitud hasta su "
                                 "respuesta."), parent)
        self.tabs = QTabWidget()
        self.browser = RequestBrowser(self, queue=False)
        self.new_request_button = button(self.tr("Nueva solicitud"), slot=lambda: self.tabs.setCurrentIndex(1))
        self.new_request_button.setToolTip(self.tr("Atajo: Ctrl+N"))
        self.browser.bar.addWidget(self.new_request_button)
        self.tabs.addTab(self.browser, self.tr("Mis solicitudes"))

        page = QWidget()
        page_layout = QVBoxLayout(page)
        self.form = RequestForm(self.services.campuses)
        self.form.refused.connect(self.message.error)
        page_layout.addWidget(self.form)
        page_layout.addStretch(1)
        # in the fixed action bar: on screen at every size, shown while «Nueva solicitud» is open
        self.clear_button = button(self.tr("Limpiar"), slot=self.clear_form)
        self.file_button = button(self.tr("Presentar solicitud"), "primary", self.file_request)
        self.actions.addStretch(1)
        self.actions.addWidget(self.clear_button)
        self.actions.addWidget(self.file_button)
        self.tabs.addTab(page, self.tr("Nueva solicitud"))
        self.body.addWidget(self.tabs)
        self.tabs.currentChanged.connect(self._tab_changed)
        shortcut = QShortcut(QKeySequence("Ctrl+N"), self, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(lambda: self.tabs.setCurrentIndex(1))
        self._tab_changed(0)

    def on_enter(self) -> None:
        if not self._online():
            return
        if not self.form.types:
            self.load_types(self.browser.refresh)
        else:
            self.browser.refresh()
        self.focus_first()

    def show_types(self, types: list[dict]) -> None:
        self.form.set_types(types)
        self.browser.set_types(types)

    def focus_first(self) -> None:
        if self.tabs.currentIndex() == 1:
            self.form.focus_first()
        else:
            self.browser.table.setFocus()

    def _tab_changed(self, index: int) -> None:
        self.clear_button.setVisible(index == 1)
        self.file_button.setVisible(index == 1)
        if index == 1 and not self.form.types and self._online():
            self.load_types()
        self.focus_first()

    def clear_form(self) -> None:
        """«Limpiar»: empty the current type's form."""
        if self.form.current is not None:
            self.form.current.clear()
        self.message.clear_message()

    def file_request(self) -> None:
        """«Presentar solicitud»: check the documents, file, attach, show the new request.
        On failure nothing typed is lost; the message says why (offline, refused field)."""
        if not self._online():
            return
        form = self.form.current
        code = self.form.type_code()
        if form is None or not code:
            self.message.error(self.tr("Elija el tipo de solicitud."))
            return
        from station.services import ServiceError

        try:
            values = form.values()
        except ServiceError as exc:
            self.message.error(exc.message)
            return
        files = form.files()
        client = self.services.service_requests

        def done(detail: dict) -> None:
            form.clear()
            self.message.ok(self.tr("Solicitud {0} presentada. Recibirá los avisos de cada paso por correo.")
                            .format(detail.get("folio", "")))
            self.tabs.setCurrentIndex(0)
            self.browser.show_detail(detail)
            self.browser.refresh()

        def failed(exc) -> None:
            if isinstance(exc, PartialFiling):  # the request exists: do not file it twice
                form.clear()
                self.tabs.setCurrentIndex(0)
                self.browser.open_folio(exc.folio)
                return
            form.mark(getattr(exc, "field", None))

        self.run(lambda: client.file(code, values, files), done, self.tr("Presentando la solicitud…"), failed)


class RequestQueueScreen(_RequestScreen):
    """«Atender solicitudes», the queue (systems role and admin): review and carry out requests."""

    def __init__(self, services, parent=None):
        super().__init__(services, self.tr("Atender solicitudes"),
                         self.tr("Solicitudes abiertas de sus planteles, la que vence primero arriba; las vencidas "
                                 "en rojo. Abra una para revisarla, aprobarla, cancelarla con motivo, atenderla y "
                                 "responder."), parent)
        self.browser = RequestBrowser(self, queue=True)
        self.body.addWidget(self.browser)

    def on_enter(self) -> None:
        if not self._online():
            return
        if not self.browser.types:
            self.load_types(self.browser.refresh)
        else:
            self.browser.refresh()
        self.focus_first()

    def show_types(self, types: list[dict]) -> None:
        self.browser.set_types(types)

    def focus_first(self) -> None:
        if self.browser.showing_detail():
            self.browser.detail.focus_first()
        else:
            self.browser.table.setFocus()
