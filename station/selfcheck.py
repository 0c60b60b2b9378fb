"""``credencializacion --self-check``: a JSON health report for installers.

Checks: every package of the product imports (without opening windows);
the local store opens and migrates to the shipped head revision; the OS
keyring holds (or can create) the store key. Later parts add devices and
server reachability. Prints one JSON object ``{"ok": bool, "checks": [...]}``
where each check is ``{"name", "ok", "detail"}`` (detail in Spanish);
exit code 0 only when every check is ok.
"""
from __future__ import annotations

import importlib
import json
import sys
import time
from typing import Callable

MODULES = (
    "station", "station.domain", "station.store", "station.config", "station.demo", "ui", "drivers",
    "drivers.camera", "drivers.signature", "server", "cv2", "numpy", "PIL", "sqlalchemy", "alembic",
    "reportlab", "qrcode", "barcode", "zxingcpp", "pypdfium2", "requests", "keyring", "usb", "cryptography",
    "stdnum", "platformdirs", "argon2", "openpyxl", "fastapi", "uvicorn", "psycopg", "PySide6.QtCore",
    "PySide6.QtGui", "PySide6.QtWidgets",
)


def _check_imports() -> tuple[bool, str]:
    failed = []
    for name in MODULES:
        try:
            importlib.import_module(name)
        except Exception as exc:  # report every failure, not only the first
            failed.append(f"{name} ({type(exc).__name__}: {exc})")
    if failed:
        return False, "No se pudieron importar: " + "; ".join(failed)
    return True, f"{len(MODULES)} paquetes importados."


def _check_store() -> tuple[bool, str]:
    from station.config import load_config
    from station.store import LocalStore, head_revision
    from station.store.db import current_revision

    config = load_config()
    store = LocalStore.open_configured(config)
    try:
        revision = current_revision(store.engine)
        with store.engine.connect() as conn:
            integrity = conn.exec_driver_sql("PRAGMA integrity_check").scalar()
            journal = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
        ok = revision == head_revision() and integrity == "ok" and journal == "wal"
        return ok, (f"Almacén {config.store_path}: revisión {revision}, integridad {integrity}, "
                    f"diario {journal}, {store.pending_count()} comandos pendientes.")
    finally:
        store.close()


def _check_keyring() -> tuple[bool, str]:
    import keyring

    from station.config import load_config
    from station.secrets import get_or_create_store_key

    key = get_or_create_store_key(str(load_config().store_path))
    backend = type(keyring.get_keyring())
    return len(key) == 32, f"Llavero {backend.__module__}.{backend.__name__}: clave del almacén disponible."


CHECKS: list[tuple[str, Callable[[], tuple[bool, str]]]] = [
    ("imports", _check_imports),
    ("keyring", _check_keyring),
    ("store", _check_store),
]


def run_checks() -> dict:
    """Run :data:`CHECKS`; an exception in one becomes a failed check with its Spanish message."""
    results = []
    for name, check in CHECKS:
        started = time.perf_counter()
        try:
            ok, detail = check()
        except Exception as exc:
            ok, detail = False, str(exc) or type(exc).__name__
        results.append({"name": name, "ok": bool(ok), "detail": detail,
                        "ms": round((time.perf_counter() - started) * 1000, 1)})
    return {"ok": all(r["ok"] for r in results), "checks": results}


def main(argv: list[str] | None = None) -> int:
    """Print the JSON report; exit 0 only when every check passed."""
    report = run_checks()
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0 if report["ok"] else 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
