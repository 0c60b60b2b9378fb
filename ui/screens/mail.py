"""«Avisos por correo» (supervisor and Dirección Estatal; DESIGN.md §11).

Compose a notice for the students of a plantel (by group and status), choose
the sender account, preview it (the server refuses, naming row and field, any
student the template cannot fill), send it, and follow the notices already
sent: counts per state, bounces with their reason, estimated time, and the
outcome workbook. Saved templates (per plantel, or state-wide from the
Dirección Estatal) are loaded, saved and deleted on the server. Everything goes
through the central server's API (``station.api.ServerApi``); without a
connection the screen says so.

In the demo (``services.mail_outbox`` set by ``app.demo``) a third card lists
what the demo's own SMTP server received, so a notice can be watched going
out; nothing leaves the machine.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import (
    QComboBox, QFileDialog, QFormLayout, QHBoxLayout, QHeaderView, QLineEdit, QMessageBox, QPlainTextEdit,
    QTableWidget, QTableWidgetItem,
)

from station.domain import Status
from ui.screens.base import Screen
from ui.widgets.controls import button, card

_DEFAULT_TEXT = ("Hola {{ first_names }}:\n\nTu credencial (matrícula {{ matricula }}) ya llegó al plantel "
                 "{{ campus_name }}. Recógela en Servicios Escolares con tu credencial temporal.\n\nAtentamente,\n"
                 "Servicios Escolares\n")


def _tr(text: str) -> str:
    return QCoreApplication.translate("MailScreen", text)


def _eta(seconds) -> str:
    if not seconds:
        return "—"
    if seconds < 90:
        return _tr("{0} s").format(int(seconds))
    if seconds < 5400:
        return _tr("{0} min").format(round(seconds / 60))
    return _tr("{0:.1f} h").format(seconds / 3600)


class MailScreen(Screen):
    """Compose, preview, send and follow notices by e-mail."""

    COLUMNS = ("Aviso", "Estado", "Enviados", "Rebotados", "Fallidos", "Suprimidos", "Pendientes", "Tiempo estimado")

    def __init__(self, services, parent=None):
        super().__init__(services, self.tr("Avisos por correo"),
                         self.tr("Avise a los alumnos por correo (por ejemplo, «tu credencial está lista»). "
                                 "Revise la vista previa antes de enviar; los rebotes y el resultado llegan solos."),
                         parent)
        self.campaign_id: int | None = None
        self.campaigns: list[dict] = []

        compose, form_box = card(self.tr("Nuevo aviso"))
        form = QFormLayout()
        self.name_edit = QLineEdit(self.tr("Tu credencial está lista"))
        self.sender_combo = QComboBox()
        session = getattr(services, "session", None)
        own = sorted(session.actor.campuses) if session is not None and session.actor.campuses else []
        self.campus_edit = QLineEdit(",".join(own))
        self.campus_edit.setPlaceholderText(self.tr("Claves de plantel separadas por coma"))
        self.group_edit = QLineEdit()
        self.group_edit.setPlaceholderText(self.tr("Todos los grupos"))
        self.status_combo = QComboBox()
        self.status_combo.addItem(self.tr("Todos los estatus"), "")
        for status in Status:
            self.status_combo.addItem(QCoreApplication.translate("Domain", status.label), status.value)
        self.status_combo.setCurrentIndex(self.status_combo.findData(Status.RECEIVED.value))
        self.subject_edit = QLineEdit(self.tr("{{ first_names }}, tu credencial está lista"))
        self.text_edit = QPlainTextEdit(_DEFAULT_TEXT)
        # The application's style sheet gives every QPlainTextEdit "min-height: 20px", which wins over
        # setMinimumHeight: in this long screen the layout then squeezed the text to one line.
        self.text_edit.setStyleSheet("QPlainTextEdit { min-height: 110px; }")
        self.requester_edit = QLineEdit()
        self.requester_edit.setPlaceholderText(self.tr("Correo de quien recibe el resultado"))
        self.wait_combo = QComboBox()
        for label, seconds in ((self.tr("1 hora"), 3600), (self.tr("1 día"), 86400), (self.tr("No esperar"), 0)):
            self.wait_combo.addItem(label, seconds)
        self.wait_combo.setToolTip(self.tr("Cuánto esperar rebotes tardíos antes de dar el aviso por terminado y "
                                           "mandar el resultado."))
        if services is not None and getattr(services, "mail_outbox", None) is not None:
            self.wait_combo.setCurrentIndex(2)  # demo: its SMTP server never bounces later
        self.template_combo = QComboBox()
        self.template_combo.setPlaceholderText(self.tr("Sin plantillas guardadas"))
        self.template_combo.setMinimumContentsLength(18)
        self.load_template_button = button(self.tr("Usar"), slot=self.load_template)
        self.save_template_button = button(self.tr("Guardar plantilla"), slot=self.save_template)
        self.delete_template_button = button(self.tr("Eliminar"), slot=self.delete_template)
        templates_row = QHBoxLayout()
        templates_row.addWidget(self.template_combo, 1)
        for widget in (self.load_template_button, self.save_template_button, self.delete_template_button):
            templates_row.addWidget(widget)
        form.addRow(self.tr("Plantilla"), templates_row)
        for label, widget in ((self.tr("Nombre del aviso"), self.name_edit), (self.tr("Remitente"), self.sender_combo),
                              (self.tr("Planteles"), self.campus_edit), (self.tr("Grupo"), self.group_edit),
                              (self.tr("Estatus"), self.status_combo), (self.tr("Asunto"), self.subject_edit),
                              (self.tr("Texto"), self.text_edit), (self.tr("Resultado a"), self.requester_edit),
                              (self.tr("Esperar rebotes"), self.wait_combo)):
            form.addRow(label, widget)
        form_box.addLayout(form)
        self.preview_text = QPlainTextEdit()
        self.preview_text.setReadOnly(True)
        self.preview_text.setMaximumHeight(150)
        self.preview_text.setStyleSheet("QPlainTextEdit { min-height: 90px; }")
        self.preview_text.setPlaceholderText(self.tr("Aquí aparece la vista previa."))
        form_box.addWidget(self.preview_text)
        self.body.addWidget(compose)

        sent, sent_box = card(self.tr("Avisos enviados"))
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in self.COLUMNS])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(120)
        sent_box.addWidget(self.table)
        self.bounces = QTableWidget(0, 4)
        self.bounces.setHorizontalHeaderLabels([self.tr("Matrícula"), self.tr("Correo"), self.tr("Tipo"),
                                                self.tr("Motivo")])
        self.bounces.verticalHeader().hide()
        self.bounces.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.bounces.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.bounces.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.bounces.setMinimumHeight(100)
        sent_box.addWidget(self.bounces)
        row = QHBoxLayout()
        self.refresh_button = button(self.tr("Actualizar"), slot=self.refresh)
        self.bounces_button = button(self.tr("Ver rebotes"), slot=self.show_bounces)
        self.report_button = button(self.tr("Descargar resultado (Excel)"), slot=self.download_report)
        row.addWidget(self.refresh_button)
        row.addStretch(1)
        row.addWidget(self.bounces_button)
        row.addWidget(self.report_button)
        sent_box.addLayout(row)
        self.body.addWidget(sent)

        self.outbox_card = None
        if services is not None and getattr(services, "mail_outbox", None) is not None:
            self.outbox_card, outbox_box = card(self.tr("Correo recibido por el servidor de demostración"))
            self.outbox = QTableWidget(0, 3)
            self.outbox.setHorizontalHeaderLabels([self.tr("Hora"), self.tr("Para"), self.tr("Asunto")])
            self.outbox.verticalHeader().hide()
            self.outbox.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
            self.outbox.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
            self.outbox.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
            self.outbox.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            self.outbox.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
            self.outbox.setMinimumHeight(110)
            self.outbox.itemSelectionChanged.connect(self._show_outbox_message)
            self.outbox_text = QPlainTextEdit()
            self.outbox_text.setReadOnly(True)
            self.outbox_text.setMaximumHeight(160)
            self.outbox_text.setStyleSheet("QPlainTextEdit { min-height: 120px; }")
            self.outbox_text.setPlaceholderText(self.tr("Seleccione un mensaje para leerlo como lo recibió el "
                                                        "alumno. En la demostración ningún correo sale del equipo."))
            outbox_box.addWidget(self.outbox)
            outbox_box.addWidget(self.outbox_text)
            self.body.addWidget(self.outbox_card)
        self.outbox_items: list[dict] = []
        self.templates: list[dict] = []
        #: Asks before deleting a template; tests replace it. (name) → bool.
        self.confirm_delete = self._confirm_delete

        self.preview_button = button(self.tr("Vista previa"), slot=self.preview)
        self.send_button = button(self.tr("Enviar aviso"), "primary", self.send)
        self.send_button.setEnabled(False)
        self.actions.addStretch(1)
        self.actions.addWidget(self.preview_button)
        self.actions.addWidget(self.send_button)
        for edit in (self.name_edit, self.campus_edit, self.group_edit, self.subject_edit, self.requester_edit):
            edit.textEdited.connect(self._invalidate)
        self.text_edit.textChanged.connect(self._invalidate)
        self.status_combo.currentIndexChanged.connect(self._invalidate)
        self.sender_combo.currentIndexChanged.connect(self._invalidate)
        self._timer = QTimer(self)
        self._timer.setInterval(2000 if self.outbox_card is not None else 5000)
        self._timer.timeout.connect(self._auto_refresh)
        #: Asks where to save; tests replace it. (suggested name) → path or "".
        self.ask_save_path = self._ask_save_path

    # ------------------------------------------------------------ plumbing
    @property
    def api(self):
        return getattr(self.services, "api", None)

    def _online(self) -> bool:
        if self.api is None or not getattr(self.api, "token", None):
            self.message.notice(self.tr("Los avisos por correo necesitan conexión con el servidor central."))
            return False
        return True

    def on_enter(self) -> None:
        super().on_enter()
        if not self._online():
            return
        if self.sender_combo.count() == 0:
            self.run(self.api.mail_senders, self._show_senders, self.tr("Cargando remitentes…"), load=True)
        self.reload_templates()
        self.refresh()
        self._timer.start()

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt API
        self._timer.stop()
        super().hideEvent(event)

    def shutdown(self) -> None:
        """Stop the refresh timer (the window is closing)."""
        self._timer.stop()

    def focus_first(self) -> None:
        self.name_edit.setFocus()

    def _show_senders(self, senders: list) -> None:
        self.sender_combo.clear()
        for s in senders:
            self.sender_combo.addItem(self.tr("{0} <{1}> ({2}/min, {3}/día)").format(
                s["name"], s["from_address"], s["per_minute"] or "∞", s["per_day"] or "∞"), s["name"])
        if not senders:
            self.message.notice(self.tr("No hay cuentas remitentes configuradas en el servidor; pida a Sistemas "
                                        "que registre una."))

    def _invalidate(self, *_args) -> None:
        self.campaign_id = None
        self.send_button.setEnabled(False)

    def _campaign_body(self) -> dict:
        campuses = [c.strip() for c in self.campus_edit.text().split(",") if c.strip()]
        groups = [g.strip() for g in self.group_edit.text().split(",") if g.strip()]
        status = self.status_combo.currentData()
        body = {"name": self.name_edit.text().strip(), "subject": self.subject_edit.text(),
                "text": self.text_edit.toPlainText(),
                "audience": {"kind": "students", "campuses": campuses, "groups": groups,
                             "statuses": [status] if status else []},
                "requester_email": self.requester_edit.text().strip(), "bounce_wait_s": self.wait_combo.currentData()}
        if self.sender_combo.currentData():
            body["senders"] = [self.sender_combo.currentData()]
        return body

    # ------------------------------------------------------------- actions
    def preview(self) -> None:
        """Create the draft on the server and show its preview (off the GUI thread)."""
        if not self._online():
            return
        api, body = self.api, self._campaign_body()

        def work():
            created = api.mail_create(body)
            return created, api.mail_preview(created["id"])

        def done(result) -> None:
            created, preview = result
            self.campaign_id = created["id"]
            lines = [self.tr("{0} destinatarios; {1} con dirección inválida; {2} suprimidos.").format(
                preview["total"], len(preview["invalid"]), len(preview["suppressed"]))]
            for item in preview["invalid"][:20]:
                lines.append(f"• {item['row']}: {item['message']}")
            for domain in preview.get("sender_domains") or []:  # only when the server's DNS check is on
                marks = {"ok": "✓", "aviso": "!", "error": "✗"}
                lines.append(self.tr("Dominio remitente {0}:").format(domain["domain"]))
                lines += [f"  {marks.get(f['level'], '•')} {f['message']}" for f in domain["findings"]]
            for sample in preview["samples"][:1]:
                lines += ["", self.tr("Para: {0}").format(sample["to"]), self.tr("Asunto: {0}").format(
                    sample["subject"]), "", sample["text"]]
            self.preview_text.setPlainText("\n".join(lines))
            self.send_button.setEnabled(preview["total"] > 0)
            self.message.ok(self.tr("Vista previa lista: revise y pulse «Enviar aviso»."))

        def failed(exc) -> None:
            self.campaign_id = None
            self.send_button.setEnabled(False)
            self.preview_text.setPlainText(str(exc))

        self.run(work, done, self.tr("Preparando vista previa…"), failed)

    def send(self) -> None:
        """Queue the previewed notice."""
        if self.campaign_id is None or not self._online():
            return
        api, campaign_id = self.api, self.campaign_id

        def done(summary) -> None:
            self.campaign_id = None
            self.send_button.setEnabled(False)
            self.message.ok(self.tr("Aviso en cola: {0} destinatarios. Tiempo estimado: {1}.").format(
                summary["counts"]["queued"], _eta(summary.get("eta_seconds"))))
            self.refresh()

        self.run(lambda: api.mail_start(campaign_id), done, self.tr("Poniendo el aviso en cola…"))

    def refresh(self) -> None:
        """Reload the notices table (and, in the demo, what its SMTP server received)."""
        self.refresh_outbox()
        if self.api is None or not getattr(self.api, "token", None):
            return
        self.run(self.api.mail_campaigns, self._show_campaigns, self.tr("Actualizando avisos…"), load=True)

    def _auto_refresh(self) -> None:
        if self.isVisible() and any(c["status"] in ("queued", "sending") for c in self.campaigns):
            self.refresh()

    # ------------------------------------------------------------- demo outbox
    def refresh_outbox(self) -> None:
        """Show what the demo's SMTP server received, newest first (demo only)."""
        outbox = getattr(self.services, "mail_outbox", None)
        if self.outbox_card is None or outbox is None:
            return
        items = outbox()
        if [i["at"] + i["to"] for i in items] == [i["at"] + i["to"] for i in self.outbox_items]:
            return
        selected = self.outbox.currentRow()
        key = self.outbox_items[selected]["at"] + self.outbox_items[selected]["to"] if 0 <= selected < len(
            self.outbox_items) else None
        self.outbox_items = items
        self.outbox.setRowCount(len(items))
        for r, item in enumerate(items):
            for col, value in enumerate((item["at"], item["to"], item["subject"])):
                self.outbox.setItem(r, col, QTableWidgetItem(value))
            if key == item["at"] + item["to"]:
                self.outbox.selectRow(r)

    def _show_outbox_message(self) -> None:
        row = self.outbox.currentRow()
        if not 0 <= row < len(self.outbox_items):
            return
        item = self.outbox_items[row]
        self.outbox_text.setPlainText("\n".join([self.tr("De: {0}").format(item["from"]),
                                                 self.tr("Para: {0}").format(item["to"]),
                                                 self.tr("Asunto: {0}").format(item["subject"]), "", item["text"]]))

    # ------------------------------------------------------------ templates
    def reload_templates(self, select_id: int | None = None) -> None:
        """Fetch the saved templates the user may use."""
        if self.api is None or not getattr(self.api, "token", None):
            return
        self.run(self.api.mail_templates, lambda items: self._show_templates(items, select_id),
                 self.tr("Cargando plantillas…"), load=True)

    def _show_templates(self, items: list, select_id: int | None = None) -> None:
        self.templates = list(items)
        self.template_combo.clear()
        for t in self.templates:
            where = self.tr("todos los planteles") if not t["scope"] else self.tr("plantel {0}").format(t["scope"])
            self.template_combo.addItem(f"{t['name']} ({where})", t["id"])
        if select_id is not None:
            self.template_combo.setCurrentIndex(self.template_combo.findData(select_id))
        has = bool(self.templates)
        self.load_template_button.setEnabled(has)
        self.delete_template_button.setEnabled(has)

    def _selected_template(self) -> dict | None:
        template_id = self.template_combo.currentData()
        return next((t for t in self.templates if t["id"] == template_id), None)

    def load_template(self) -> None:
        """Put the selected template's name, subject and text in the form."""
        template = self._selected_template()
        if template is None:
            self.message.notice(self.tr("Elija una plantilla guardada."))
            return
        self.name_edit.setText(template["name"])
        self.subject_edit.setText(template["subject"])
        self.text_edit.setPlainText(template["text"])
        self._invalidate()
        self.message.ok(self.tr("Plantilla «{0}» cargada; revise la vista previa antes de enviar.").format(
            template["name"]))

    def _template_scope(self):
        session = getattr(self.services, "session", None)
        actor = session.actor if session is not None else None
        if actor is None or not actor.campuses:
            return None  # state office: state-wide
        own = sorted(actor.campuses)
        if len(own) == 1:
            return None  # implied by the server
        chosen = [c.strip() for c in self.campus_edit.text().split(",") if c.strip() in own]
        return chosen[0] if chosen else own[0]

    def save_template(self) -> None:
        """Save the form's subject and text as a template named like the notice (replaces one of that name)."""
        if not self._online():
            return
        name = self.name_edit.text().strip()
        if not name:
            self.message.notice(self.tr("Escriba el nombre del aviso: la plantilla se guarda con ese nombre."))
            self.name_edit.setFocus()
            return
        body = {"name": name, "subject": self.subject_edit.text(), "text": self.text_edit.toPlainText()}
        scope = self._template_scope()
        if scope is not None:
            body["scope"] = scope
        api = self.api

        def done(saved) -> None:
            text = (self.tr("Plantilla «{0}» guardada.") if saved.get("created") else
                    self.tr("Plantilla «{0}» actualizada."))
            self.message.ok(text.format(saved["name"]))
            self.reload_templates(saved["id"])

        self.run(lambda: api.mail_save_template(body), done, self.tr("Guardando plantilla…"))

    def _confirm_delete(self, name: str) -> bool:
        answer = QMessageBox.question(self, self.tr("Eliminar plantilla"),
                                      self.tr("¿Eliminar la plantilla «{0}»? Los avisos ya enviados no cambian.")
                                      .format(name))
        return answer == QMessageBox.StandardButton.Yes

    def delete_template(self) -> None:
        """Delete the selected template after confirmation."""
        template = self._selected_template()
        if template is None or not self._online():
            self.message.notice(self.tr("Elija una plantilla guardada."))
            return
        if not self.confirm_delete(template["name"]):
            return
        api, template_id = self.api, template["id"]

        def done(_result) -> None:
            self.message.ok(self.tr("Plantilla «{0}» eliminada.").format(template["name"]))
            self.reload_templates()

        self.run(lambda: api.mail_delete_template(template_id), done, self.tr("Eliminando plantilla…"))

    def _show_campaigns(self, campaigns: list) -> None:
        selected = self.selected_id()
        self.campaigns = [c for c in campaigns if c["status"] != "draft"]
        self.table.setRowCount(len(self.campaigns))
        for r, c in enumerate(self.campaigns):
            counts = c["counts"]
            values = [c["name"], c["status_label"], counts["sent"], counts["bounced"], counts["failed"],
                      counts["suppressed"], c["pending"], _eta(c.get("eta_seconds"))]
            for col, value in enumerate(values):
                item = QTableWidgetItem(str(value))
                if col == 0:
                    item.setToolTip(str(value))  # the name column is the one squeezed on a 1024-pixel screen
                self.table.setItem(r, col, item)
            if c["id"] == selected:
                self.table.selectRow(r)

    def selected_id(self) -> int | None:
        """Id of the notice selected in the table (or the only one)."""
        row = self.table.currentRow()
        if row < 0 and len(self.campaigns) == 1:
            row = 0
        return self.campaigns[row]["id"] if 0 <= row < len(self.campaigns) else None

    def show_bounces(self) -> None:
        """List the bounced and failed recipients of the selected notice with their reasons."""
        campaign_id = self.selected_id()
        if campaign_id is None or not self._online():
            self.message.notice(self.tr("Seleccione un aviso de la tabla."))
            return
        api = self.api

        def work():
            return api.mail_recipients(campaign_id, "bounced")["items"] + api.mail_recipients(
                campaign_id, "failed")["items"]

        def done(items) -> None:
            self.bounces.setRowCount(len(items))
            kinds = {"hard": self.tr("Permanente"), "soft": self.tr("Temporal"), "complaint": self.tr("Queja")}
            for r, item in enumerate(items):
                values = [item["matricula"] or item["row"], item["address"],
                          kinds.get(item["bounce_class"], item["state_label"]),
                          f"{item['code']} {item['reason']}".strip()]
                for col, value in enumerate(values):
                    self.bounces.setItem(r, col, QTableWidgetItem(value))
            if not items:
                self.message.ok(self.tr("Ese aviso no tiene rebotes ni fallas."))

        self.run(work, done, self.tr("Cargando rebotes…"))

    def _ask_save_path(self, suggested: str) -> str:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Guardar resultado"), suggested,
                                              self.tr("Libro de Excel (*.xlsx)"))
        return path

    def download_report(self) -> None:
        """Save the selected notice's outcome workbook."""
        campaign_id = self.selected_id()
        if campaign_id is None or not self._online():
            self.message.notice(self.tr("Seleccione un aviso de la tabla."))
            return
        path = self.ask_save_path(f"resultado-aviso-{campaign_id}.xlsx")
        if not path:
            return
        api = self.api

        def work():
            Path(path).write_bytes(api.mail_report_xlsx(campaign_id))
            return path

        self.run(work, lambda p: self.message.ok(self.tr("Resultado guardado en {0}.").format(p)),
                 self.tr("Descargando resultado…"))
