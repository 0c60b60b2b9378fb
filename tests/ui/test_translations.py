"""Spanish everywhere (issue 16): the domain's labels are registered for
extraction, the shipped .ts/.qm match the code, and under ``LANG=C`` the
validation confirmation, the «Guardar PDF» file dialog and the print and print
preview dialogs show no English word."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: English words Qt's dialogs show when no Spanish translation is loaded.
ENGLISH = re.compile(r"\b(Yes|Cancel|Save|Open|Print|Printer|Properties|Options|Copies|Pages?|File|Files|Name|Size|"
                     r"Type|Date|Modified|Look|Directory|Back|Forward|Close|Setup|Portrait|Landscape|Preview|"
                     r"Grayscale|Duplex|Paper|Location|Folder|Drive|Output|Collate|Reverse|Current|Selection|"
                     r"Range|First|Last|Next|Previous|Fit|width|Zoom|Single|Facing|Overview|Orientation|Off|"
                     r"Double|Sided|binding|January|Monday|Sunday|Question|Detail|View|New)\b")

PROBE = textwrap.dedent(r"""
    import json, sys
    from types import SimpleNamespace
    from PySide6.QtWidgets import (QAbstractButton, QApplication, QComboBox, QGroupBox, QLabel, QToolBar, QWidget)
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter
    app = QApplication([])
    from ui.style import apply_style
    apply_style(app)
    from ui.printing import CredentialPrinter
    from ui.screens.validate import ValidateScreen

    def texts(w):
        out = [w.windowTitle()]
        out += [c.text() for c in w.findChildren(QLabel)]
        out += [c.text() for c in w.findChildren(QAbstractButton)] + [c.toolTip() for c in w.findChildren(QAbstractButton)]
        out += [c.title() for c in w.findChildren(QGroupBox)]
        for c in w.findChildren(QComboBox):
            out += [c.itemText(i) for i in range(c.count())]
        for t in w.findChildren(QToolBar):
            out += [a.text() for a in t.actions()] + [a.toolTip() for a in t.actions()]
        return [t.replace("&", "") for t in out if t]

    host = QWidget()
    printer = QPrinter()  # outlives the dialogs that use it
    host.current = SimpleNamespace(full_name="PÉREZ LÓPEZ ANA")
    preview = CredentialPrinter(host)
    dialogs = {
        "confirmacion": ValidateScreen.confirmation_box(host),
        "archivo": CredentialPrinter(host).file_dialog(sys.argv[1]),
        "impresion": QPrintDialog(printer, host),
        "vista_previa": preview.preview(sys.argv[1], exec_dialog=False),
    }
    for d in dialogs.values():
        d.show()
    app.processEvents()
    print(json.dumps({k: texts(d) for k, d in dialogs.items()}, ensure_ascii=False), flush=True)
    import os
    os._exit(0)  # skip Qt's teardown of the open dialogs
""")


def test_no_english_in_standard_dialogs_under_lang_c(tmp_path):
    from reportlab.pdfgen.canvas import Canvas

    pdf = tmp_path / "credencial.pdf"
    c = Canvas(str(pdf))
    c.drawString(72, 720, "Credencial")
    c.showPage()
    c.save()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG"))}
    env.update(LANG="C", LC_ALL="C", QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", PROBE, str(pdf)], env=env, cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    shown = json.loads(out.stdout.strip().splitlines()[-1])
    assert set(shown) == {"confirmacion", "archivo", "impresion", "vista_previa"}
    assert "Sí" in shown["confirmacion"] and "No" in shown["confirmacion"]
    english = {name: sorted({m.group(0) for t in texts for m in ENGLISH.finditer(t)}) for name, texts in shown.items()}
    assert english == {name: [] for name in shown}, english


def test_domain_labels_are_registered_for_extraction():
    from station.domain import Command, Role, Status
    from station.photo import CHECK_LABELS
    from ui import domain_labels

    assert set(domain_labels.STATUS_LABELS) == {s.label for s in Status}
    assert set(domain_labels.COMMAND_LABELS) == {c.label for c in Command}
    assert set(domain_labels.ROLE_LABELS) == {r.label for r in Role}
    assert set(domain_labels.REQUEST_LABELS) == set(domain_labels.request_labels())
    assert set(domain_labels.PHOTO_CHECK_LABELS) == set(CHECK_LABELS.values()), \
        "run `python -m ui.domain_labels` and paste the lists into ui/domain_labels.py"


def test_shipped_translations_match_the_code(tmp_path):
    """Every text of ui/ is in the shipped .ts (rebuild with `python -m ui.i18n --update`)."""
    from ui import i18n

    ts = tmp_path / "now.ts"
    sources = sorted(str(p) for p in (ROOT / "ui").rglob("*.py"))
    subprocess.run([i18n._tool("pyside6-lupdate"), *sources, "-no-obsolete", "-locations", "none", "-ts", str(ts)],
                   check=True, capture_output=True, timeout=120)

    def messages(path: Path) -> set[tuple[str, str]]:
        text = path.read_text(encoding="utf-8")
        out = set()
        for ctx in re.finditer(r"<context>\s*<name>(.*?)</name>(.*?)</context>", text, re.S):
            out |= {(ctx.group(1), m) for m in re.findall(r"<source>(.*?)</source>", ctx.group(2), re.S)}
        return out

    missing = messages(ts) - messages(i18n.TS_FILE)
    assert not missing, f"{len(missing)} texts missing from {i18n.TS_FILE.name}; run `python -m ui.i18n --update`"
    assert i18n.QM_FILE.stat().st_mtime >= 0 and i18n.QM_FILE.stat().st_size > 1000
