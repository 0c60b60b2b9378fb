"""Guard against a Qt binding that corrupts the interpreter in long sessions.

PySide6 6.12.0 on Python 3.11 drops a reference to ``None`` on every Qt call
returning void; a desk session dies after a few thousand paints. The loop
runs in a child process because the failure is an abort, not an exception.
"""
import os
import subprocess
import sys

LOOP = """
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
label = QLabel()
for _ in range(30000):
    label.setText("Firme aquí")
    label.update()
print("ok")
"""


def test_many_void_qt_calls_do_not_abort_the_process():
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, "-c", LOOP], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr[-2000:]
