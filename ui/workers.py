"""Run slow calls (disk, network, PDF) off the GUI thread.

:func:`run_task` executes ``fn`` on the global ``QThreadPool`` and delivers
the result or the exception back on the GUI thread through queued signals.
:class:`Busy` counts running tasks so the window can show one progress
indicator for all of them.
"""
from __future__ import annotations

import traceback
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from station.domain.errors import UserError


class Busy(QObject):
    """Counter of running tasks. ``changed(int)`` carries the count; ``message`` the last task's label."""

    changed = Signal(int, str)

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def begin(self, label: str) -> None:
        """A task started."""
        self.count += 1
        self.changed.emit(self.count, label)

    def end(self) -> None:
        """A task finished."""
        self.count = max(0, self.count - 1)
        self.changed.emit(self.count, "")


#: Process-wide busy counter (the status bar listens to it).
BUSY = Busy()


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], Any], signals: _Signals):
        super().__init__()
        self.fn = fn
        self.signals = signals
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self.fn()
        except BaseException as exc:  # noqa: BLE001 - delivered to the GUI as a message
            exc.__traceback_text__ = traceback.format_exc()  # type: ignore[attr-defined]
            self.signals.failed.emit(exc)
        else:
            self.signals.done.emit(result)


_alive: set[_Signals] = set()


def run_task(fn: Callable[[], Any], on_done: Callable[[Any], None] | None = None,
             on_error: Callable[[BaseException], None] | None = None, *, label: str = "",
             context: QObject | None = None) -> None:
    """Run ``fn()`` on a worker thread; call ``on_done(result)`` or ``on_error(exc)``
    on the GUI thread. ``label`` is shown next to the busy indicator. When
    ``context`` (a widget) is destroyed first, the callbacks are dropped."""
    signals = _Signals()
    _alive.add(signals)
    BUSY.begin(label)
    dead = {"v": False}
    if context is not None:
        context.destroyed.connect(lambda *_: dead.__setitem__("v", True))

    def finish(callback, value):
        _alive.discard(signals)
        BUSY.end()
        if callback is not None and not dead["v"]:
            callback(value)

    signals.done.connect(lambda value: finish(on_done, value))
    signals.failed.connect(lambda exc: finish(on_error or _default_error, exc))
    QThreadPool.globalInstance().start(_Task(fn, signals))


def _default_error(exc: BaseException) -> None:
    import sys

    print(getattr(exc, "__traceback_text__", repr(exc)), file=sys.stderr)


def error_text(exc: BaseException) -> str:
    """The Spanish message of an exception from station/ (never a traceback); database
    and OS errors are said as what the operator can do (:func:`ui.errors.operator_message`)."""
    from ui.errors import operator_message

    advice = operator_message(exc)
    if advice:
        return advice
    if isinstance(exc, UserError):  # station.domain.errors: a message written for the user
        return exc.message
    message = getattr(exc, "message", None)
    if isinstance(message, str) and message:
        return message
    text = str(exc)
    if text and not text.startswith("Traceback"):
        return text
    return "Ocurrió un error inesperado; el detalle quedó en el registro de la estación."
