"""«Sincronización»: progress of the current round, pending commands, last
success, the last error named by its real cause, and the incidencias (commands
the server refused) with their reasons and how to resolve them."""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QFormLayout, QHBoxLayout, QHeaderView, QLabel, QProgressBar, QTableWidget, QTableWidgetItem,
)

from station.domain import INCIDENCIA_RESOLVERS
from ui.dates import format_datetime
from ui.domain_labels import domain_text
from ui.screens.base import Screen
from ui.widgets.controls import button, card


class _Bridge(QObject):
    state = Signal(object)


class SyncScreen(Screen):
    """Sync panel. Works with ``services.sync`` (``station.sync.SyncService``);
    without it, it says the station has no sync configured."""

    def __init__(self, services, parent=None):
        super().__init__(services, self.tr("Sincronización"),
                         self.tr("Estado del envío de capturas al servidor central y de la descarga de cambios."),
                         parent)
        self.incidencias = []
        status_card, layout = card(self.tr("Estado"))
        form = QFormLayout()
        self.connection_label = QLabel()
        self.pending_label = QLabel()
        self.last_label = QLabel()
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.phase_label = QLabel()
        self.progress = QProgressBar()
        form.addRow(self.tr("Conexión:"), self.connection_label)
        form.addRow(self.tr("Pendientes de enviar:"), self.pending_label)
        form.addRow(self.tr("Última sincronización correcta:"), self.last_label)
        form.addRow(self.tr("Último error:"), self.error_label)
        form.addRow(self.tr("Ronda actual:"), self.phase_label)
        form.addRow("", self.progress)
        layout.addLayout(form)
        row = QHBoxLayout()
        self.sync_button = button(self.tr("Sincronizar ahora"), "primary", self.sync_now)
        row.addWidget(self.sync_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.body.addWidget(status_card)

        inc_card, inc_layout = card(self.tr("Incidencias"))
        hint = QLabel(self.tr("Acciones que el servidor rechazó. Sus datos se conservan: un supervisor puede "
                              "«Reintentar» (la acción se vuelve a aplicar sobre el registro actual) o «Descartar»."))
        hint.setWordWrap(True)
        hint.setObjectName("subtitle")
        inc_layout.addWidget(hint)
        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels([self.tr("Fecha"), self.tr("Matrícula"), self.tr("Alumno"),
                                              self.tr("Acción"), self.tr("Usuario"), self.tr("Razón del servidor")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setMinimumHeight(140)
        inc_layout.addWidget(self.table)
        row = QHBoxLayout()
        self.retry_button = button(self.tr("Reintentar"), slot=lambda: self.resolve("retry"))
        self.discard_button = button(self.tr("Descartar"), "danger", lambda: self.resolve("discard"))
        row.addStretch(1)
        row.addWidget(self.retry_button)
        row.addWidget(self.discard_button)
        inc_layout.addLayout(row)
        self.body.addWidget(inc_card)
        self.body.addStretch(1)
        may_resolve = services.role in INCIDENCIA_RESOLVERS
        self.retry_button.setVisible(may_resolve)
        self.discard_button.setVisible(may_resolve)
        self._bridge = _Bridge()
        self._bridge.state.connect(self._show_state)
        if services.sync is not None:
            services.sync.add_listener(self._bridge.state.emit)

    def on_enter(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Show the current state and reload the incidencias."""
        sync = self.services.sync
        if sync is None:
            self.connection_label.setText(self.tr("Esta estación no tiene sincronización configurada."))
            self.sync_button.setEnabled(False)
            return
        self._show_state(sync.state())
        self.run(sync.incidencias, self._show_incidencias, self.tr("Cargando incidencias…"), load=True)

    def _show_state(self, state) -> None:
        online = state.online
        self.connection_label.setText(self.tr("En línea") if online else
                                      self.tr("Sin conexión") if online is False else self.tr("Sin intentos todavía"))
        self.connection_label.setObjectName("ok" if online else "error" if online is False else "")
        self.connection_label.style().unpolish(self.connection_label)
        self.connection_label.style().polish(self.connection_label)
        self.pending_label.setText(self.tr("{0} acciones; {1} incidencias").format(state.pending, state.incidencias))
        self.last_label.setText(format_datetime(state.last_success_at, self.tr("Nunca")))
        error = state.last_error
        self.error_label.setText(f"[{error.label}] {error.message} ({format_datetime(error.at)})" if error else
                                 self.tr("Ninguno"))
        progress = state.progress
        if state.running:
            self.phase_label.setText(self.tr(progress.label))
            self.progress.setRange(0, max(progress.total, 0))
            self.progress.setValue(progress.done)
        elif state.last_success_at is not None and state.pending == 0:
            self.phase_label.setText(self.tr("Al día: no hay acciones pendientes"))
            self.progress.setRange(0, 1)
            self.progress.setValue(1)  # a finished round shows full, not 0 %
        else:
            self.phase_label.setText(self.tr("En espera"))
            self.progress.setRange(0, 1)
            self.progress.setValue(0)
        self.sync_button.setEnabled(not state.running)
        if not state.running and state.incidencias != len(self.incidencias) and self.isVisible():
            self.run(self.services.sync.incidencias, self._show_incidencias, self.tr("Cargando incidencias…"),
                     load=True)

    def _show_incidencias(self, items) -> None:
        self.incidencias = list(items)
        self.table.setRowCount(len(self.incidencias))
        for r, inc in enumerate(self.incidencias):
            values = (format_datetime(inc.created_at), inc.matricula, inc.student_name, domain_text(inc.command_label),
                      inc.username, inc.reason)
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(inc.reason)
                self.table.setItem(r, c, item)
        has = bool(self.incidencias)
        self.retry_button.setEnabled(has)
        self.discard_button.setEnabled(has)

    def sync_now(self) -> None:
        """Run one round now (worker thread)."""
        sync = self.services.sync
        self.sync_button.setEnabled(False)

        def done(result) -> None:
            if result.completed:
                self.message.ok(self.tr("Sincronización completa: {0} enviadas, {1} recibidas, {2} pendientes.")
                                .format(result.pushed, result.pulled, result.pending))
            else:
                last = result.errors[-1]["message"] if result.errors else ""
                self.message.error(self.tr("La sincronización no terminó: {0}").format(last))
            self.refresh()
            self.changed.emit()

        self.run(sync.run_round, done, self.tr("Sincronizando…"), lambda exc: self.sync_button.setEnabled(True))

    def resolve(self, action: str) -> None:
        """Reintentar / Descartar the selected incidencia."""
        row = self.table.currentRow()
        if not 0 <= row < len(self.incidencias):
            self.message.error(self.tr("Seleccione una incidencia de la lista."))
            return
        inc = self.incidencias[row]
        services = self.services

        def work():
            from station.services import ServiceError
            from station.domain import Refusal

            result = services.sync.resolve_incidencia(inc.op_id, action, services.actor)
            if isinstance(result, Refusal):
                raise ServiceError(result.message, result.field, result.code)
            return result

        def done(_):
            self.message.ok(self.tr("Incidencia resuelta.") if action == "discard" else
                            self.tr("La acción se volvió a poner en la cola de envío."))
            self.refresh()
            self.changed.emit()

        self.run(work, done, self.tr("Resolviendo incidencia…"))
