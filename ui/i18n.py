"""Spanish everywhere: Qt's own strings (buttons «Sí»/«No», file and print
dialogs, the calendar) come from ``qtbase_es.qm`` shipped with PySide6, the
app's own from ``resources/translations/credencializacion_es.qm`` (built from
the ``.ts`` with ``pyside6-lupdate`` / ``pyside6-lrelease``:
``python -m ui.i18n --update``), plus ``qt_extra_es`` for the few print and
file dialog strings PySide6's Spanish leaves in English. The default locale is es-MX whatever the OS
says (a desk under ``LANG=C`` or an English Windows still reads Spanish dates,
month names and dialogs)."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator

#: The app's translation files (source .ts and built .qm).
TRANSLATIONS_DIR = Path(__file__).resolve().parents[1] / "resources" / "translations"
TS_FILE = TRANSLATIONS_DIR / "credencializacion_es.ts"
QM_FILE = TRANSLATIONS_DIR / "credencializacion_es.qm"
#: Qt's strings that PySide6's qtbase_es.qm leaves in English (print and file dialogs).
QT_EXTRA_TS = TRANSLATIONS_DIR / "qt_extra_es.ts"
QT_EXTRA_QM = TRANSLATIONS_DIR / "qt_extra_es.qm"

_installed: list[QTranslator] = []


def install_translations(app) -> list[QTranslator]:
    """Load Qt's Spanish and the app's translations into ``app`` (once per process)
    and make es-MX the default locale. Returns the installed translators; a
    missing file is skipped (the source texts are Spanish already)."""
    QLocale.setDefault(QLocale(QLocale.Language.Spanish, QLocale.Country.Mexico))
    if _installed:
        return list(_installed)
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name, folder in (("qtbase_es", qt_dir), (QT_EXTRA_QM.stem, str(TRANSLATIONS_DIR)),
                         (QM_FILE.stem, str(TRANSLATIONS_DIR))):
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            _installed.append(translator)
    return list(_installed)


def _tool(name: str) -> str:
    return str(Path(sys.executable).with_name(name))


def update_translations() -> None:
    """Re-extract every ``tr()`` / ``QT_TRANSLATE_NOOP`` of ui/ into the .ts (Spanish
    source: each translation is its source text) and build the .qm."""
    sources = sorted(str(p) for p in (Path(__file__).resolve().parent).rglob("*.py"))
    subprocess.run([_tool("pyside6-lupdate"), *sources, "-no-obsolete", "-locations", "none", "-ts", str(TS_FILE)], check=True,
                   capture_output=True)
    text = TS_FILE.read_text(encoding="utf-8")

    def fill(match: re.Match) -> str:
        block = match.group(0)
        source = re.search(r"<source>(.*?)</source>", block, re.S).group(1)
        if 'numerus="yes"' in block:  # Spanish: singular and plural forms, both «%n» in the source
            done = ("<translation>\n            <numerusform>" + source + "</numerusform>\n            <numerusform>"
                    + source + "</numerusform>\n        </translation>")
        else:
            done = f"<translation>{source}</translation>"
        return re.sub(r'<translation type="unfinished">.*?</translation>|<translation type="unfinished"/>', done,
                      block, flags=re.S)

    text = re.sub(r"<message[^>]*>.*?</message>", fill, text, flags=re.S)
    TS_FILE.write_text(text, encoding="utf-8")
    subprocess.run([_tool("pyside6-lrelease"), str(TS_FILE), "-qm", str(QM_FILE)], check=True, capture_output=True)
    subprocess.run([_tool("pyside6-lrelease"), str(QT_EXTRA_TS), "-qm", str(QT_EXTRA_QM)], check=True,
                   capture_output=True)
    compile_argparse_catalog()


def compile_argparse_catalog() -> Path:
    """Build the command lines' argparse catalog ``argparse.mo`` from its ``argparse.po``
    (:mod:`station.domain.cliargs`) with GNU ``msgfmt``; returns the .mo path."""
    from station.domain.cliargs import LOCALE_DIR

    po = LOCALE_DIR / "es" / "LC_MESSAGES" / "argparse.po"
    subprocess.run(["msgfmt", "--check-format", "-o", str(po.with_suffix(".mo")), str(po)], check=True,
                   capture_output=True)
    return po.with_suffix(".mo")


if __name__ == "__main__":
    if "--update" in sys.argv:
        update_translations()
        print(f"{TS_FILE}\n{QM_FILE}")
