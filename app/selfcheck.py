"""``credencializacion --self-check``: a JSON health report for installers.

Prints one JSON object::

    {"ok": bool, "version": "0.1.0", "frozen": bool,
     "checks": [{"name": str, "ok": bool, "detail": str, "ms": float}, ...]}

``detail`` is Spanish and says what was found (not only pass/fail); ``ms`` is
the wall time of the check in milliseconds. Exit code 0 only when every check
is ok. Checks, in order:

- ``imports``: every package of the product imports (no window is opened);
- ``resources``: run-time files a packaged build must carry (OpenCV Haar
  cascades, reportlab's Vera fonts, the demo photo, Alembic migrations, the
  Qt platform plugins);
- ``documents``: a sample credential PDF renders in memory (reportlab, Vera
  font, QR, Code128 — their modules load dynamically, which a packaged build
  can miss) and the dlib landmark detector (not the Haar fallback) finds the face
  on the demo photo;
- ``keyring``: the OS keyring holds (or can create) the store key;
- ``store``: the local store opens and migrates to the shipped head revision;
- ``cameras``: the cameras found, and whether the configured one is usable
  (an index must be listed and openable; ``demo`` or a file must give a frame);
- ``pads``: Topaz pads on USB, the SigWeb service, and whether the configured
  pad connects (``onscreen`` needs no device);
- ``server``: ``GET /health`` of the configured server, failures named by
  cause (DNS, TLS, refused, timeout, HTTP status). No ``server_url``
  configured is *not* a failure: a freshly installed desk has none until the
  setup wizard runs, and the detail says so.

Every check runs on a daemon thread bounded by its own time limit
(:data:`TIMEOUTS_S`), so a hung driver or keyring cannot hang the report.
The report itself loads no Qt library: the Qt check only looks for plugin files.
"""
from __future__ import annotations

import importlib
import importlib.util
import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import Callable

MODULES = (
    "app", "station", "station.domain", "station.store", "station.config", "station.domain.demo", "ui", "drivers",
    "drivers.camera", "drivers.signature", "server", "cv2", "numpy", "PIL", "sqlalchemy", "alembic",
    "reportlab", "qrcode", "barcode", "zxingcpp", "pypdfium2", "requests", "keyring", "usb", "cryptography",
    "stdnum", "platformdirs", "argon2", "openpyxl", "fastapi", "uvicorn", "psycopg", "PySide6.QtCore",
    "PySide6.QtGui", "PySide6.QtWidgets",
)

#: Haar cascades the photo detector loads (``station.photo.detectors``).
HAAR_CASCADES = ("haarcascade_frontalface_alt2.xml", "haarcascade_eye.xml", "haarcascade_eye_tree_eyeglasses.xml")

#: Per-check time limit in seconds (the camera probe may open up to 4 devices at 2 s each).
TIMEOUTS_S: dict[str, float] = {
    "imports": 90.0, "resources": 20.0, "documents": 30.0, "keyring": 15.0, "store": 60.0,
    "cameras": 12.0, "pads": 12.0, "server": 12.0,
}


class CheckTimeout(Exception):
    """A check did not finish within its time limit."""


def _bounded(fn: Callable[[], tuple[bool, str]], timeout_s: float) -> tuple[bool, str]:
    """Run ``fn`` on a daemon thread; raise :class:`CheckTimeout` after ``timeout_s`` seconds."""
    box: list = []

    def run() -> None:
        try:
            box.append(("ok", fn()))
        except BaseException as exc:  # reported, never raised on the worker thread
            box.append(("error", exc))

    thread = threading.Thread(target=run, daemon=True, name="self-check")
    thread.start()
    thread.join(timeout_s)
    if not box:
        raise CheckTimeout(f"No terminó en {timeout_s:g} s (un controlador o servicio no responde).")
    kind, value = box[0]
    if kind == "error":
        raise value
    return value


def _config():
    from station.config import load_config

    return load_config()


# ----------------------------------------------------------------- checks
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


def _qt_platform_plugins() -> list[str]:
    """Names of the Qt platform plugins shipped with PySide6 (located with
    ``importlib.util.find_spec``: no Qt library is loaded)."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return []
    base = Path(list(spec.submodule_search_locations)[0])
    names = []
    for folder in (base / "Qt" / "plugins" / "platforms", base / "plugins" / "platforms"):
        if folder.is_dir():
            names += [p.name.split(".")[0].removeprefix("lib").removeprefix("q") for p in folder.iterdir()
                      if p.suffix in (".so", ".dll", ".dylib")]
    return sorted(set(names))


def _check_resources() -> tuple[bool, str]:
    import cv2
    import reportlab

    from drivers.camera.sources import demo_image_path
    from station.store.db import MIGRATIONS_DIR

    missing: list[str] = []
    cascade_dir = getattr(getattr(cv2, "data", None), "haarcascades", "")
    for name in HAAR_CASCADES:
        path = os.path.join(cascade_dir, name)
        if not os.path.exists(path) or cv2.CascadeClassifier(path).empty():
            missing.append(f"clasificador {name}")
    from station.photo.landmarks import SHAPE_MODEL_PATH

    if not os.path.isfile(SHAPE_MODEL_PATH):
        missing.append("modelo de puntos del rostro (station/photo/models)")
    fonts = Path(reportlab.__file__).parent / "fonts"
    for name in ("Vera.ttf", "VeraBd.ttf"):
        if not (fonts / name).is_file():
            missing.append(f"fuente {name}")
    if not demo_image_path().is_file():
        missing.append("foto de demostración (resources/demo/face.jpg)")
    revisions = sorted(p.name for p in (MIGRATIONS_DIR / "versions").glob("[0-9]*.py"))
    if not (MIGRATIONS_DIR / "env.py").is_file() or not revisions:
        missing.append("migraciones del almacén")
    plugins = _qt_platform_plugins()
    wanted = {"windows"} if sys.platform == "win32" else {"offscreen"}
    if not wanted <= set(plugins):
        missing.append("complementos de plataforma de Qt (" + ", ".join(sorted(wanted)) + ")")
    found = (f"modelo de 5 puntos del rostro, {len(HAAR_CASCADES)} clasificadores Haar, fuentes Vera, foto demo, "
             f"{len(revisions)} migraciones, Qt: {', '.join(plugins) or 'ninguno'}")
    if missing:
        return False, "Faltan archivos del paquete: " + "; ".join(missing) + f". Encontrado: {found}."
    return True, found + "."


def _check_documents() -> tuple[bool, str]:
    import cv2
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from drivers.camera.sources import demo_image_path
    from station.documents.credential import credentials_pdf, make_card
    from station.documents.qr_payload import SAMPLE_STATION_ID
    from station.documents.sample import sample_photo_jpeg, sample_signature_png, sample_student
    from station.photo.detectors import get_detector

    card = make_card(sample_student(), sample_photo_jpeg(), sample_signature_png(), Ed25519PrivateKey.generate(),
                     SAMPLE_STATION_ID, sample=True)
    pdf = credentials_pdf([card], title="Autoprueba")
    detector = get_detector()
    faces = detector.detect(cv2.imread(str(demo_image_path()))).faces
    ok = pdf.startswith(b"%PDF") and len(faces) == 1 and detector.name == "dlib"
    return ok, (f"Credencial de muestra en PDF: {len(pdf) // 1024} KB; rostros en la foto demo: {len(faces)}"
                f" (detector {detector.name})" + ("." if ok else " (se esperaba 1, con el detector dlib)."))


def _check_keyring() -> tuple[bool, str]:
    """Test-decrypts the store with the keyring's key; never creates a key (issue 14 §3)."""
    import keyring

    from station.store.db import StoreOpenError
    from station.store.keys import load_store_key

    backend = type(keyring.get_keyring())
    name = f"Llavero {backend.__module__}.{backend.__name__}"
    path = _config().store_path
    if not path.exists() or path.stat().st_size == 0:
        return True, f"{name}: aún no hay almacén local; su clave se creará al primer inicio."
    try:
        load_store_key(path, create=False)
    except StoreOpenError as exc:
        return False, f"{name}: {exc}"
    return True, f"{name}: la clave del almacén abre {path} (descifrado de prueba correcto)."


def _check_store() -> tuple[bool, str]:
    from station.store import LocalStore, head_revision
    from station.store.db import current_revision

    config = _config()
    if not config.store_path.exists() or config.store_path.stat().st_size == 0:
        return True, f"Aún no hay almacén local en {config.store_path}; se creará al primer inicio."
    store = LocalStore.open_configured(config)
    try:
        revision = current_revision(store.engine)
        with store.engine.connect() as conn:
            integrity = conn.exec_driver_sql("PRAGMA integrity_check").scalar()
            journal = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
        from station.store.retention import holdings

        held = holdings(store)
        from station.store.db import IS_WINDOWS, secure_data_dir

        # the folder restricted again and read back (0700 on POSIX, the owner-only DACL on Windows)
        problem = secure_data_dir(config.store_path.parent)
        access = problem or ("Carpeta de datos solo para su usuario ("
                             + ("permisos de Windows verificados" if IS_WINDOWS else "modo 0700") + ").")
        ok = revision == head_revision() and integrity == "ok" and journal == "wal" and problem is None
        return ok, (f"{access} Almacén {config.store_path} (cifrado): revisión {revision}, integridad {integrity}, "
                    f"diario {journal}, {held['pending']} comandos pendientes. Contiene {held['students']} "
                    f"alumnos y {held['biometrics']} datos biométricos ({held['biometrics_not_uploaded']} sin "
                    f"enviar; el más antiguo de hace {held['oldest_biometric_days']} días; los ya enviados se "
                    f"borran a los {config.retention_days} días), {held['migration_copies']} copias previas "
                    "a actualizaciones (se conservan 2).")
    finally:
        store.close()


def _check_cameras() -> tuple[bool, str]:
    from drivers.camera import list_cameras, open_source
    from drivers.camera.worker import frame_problem

    spec = (_config().camera or "").strip()
    cameras = list_cameras(max_index=4, probe_resolutions=False, timeout_s=2.0)
    listed = "; ".join(
        f"{c.index}: {c.name}" + (f" ({c.path})" if c.path else "") + (f" [{c.backend}]" if c.backend else "")
        + ("" if c.available else f" — {c.message}") for c in cameras) or "ninguna"
    found = f"Cámaras encontradas: {listed}."
    if not spec:
        return False, found + " No hay cámara configurada; elíjala en el asistente de configuración."
    if spec.isdigit():
        match = next((c for c in cameras if c.index == int(spec)), None)
        if match is None:
            return False, found + f" La cámara configurada ({spec}) no está conectada."
        if not match.available:
            return False, found + f" La cámara configurada ({spec}) no se puede abrir: {match.message}"
        return True, found + f" Configurada: {spec} ({match.name})."
    source = open_source(spec)
    source.open()
    try:
        frame = source.read()
    finally:
        source.close()
    problem = frame_problem(frame)
    if problem:
        return False, found + f" La fuente configurada «{spec}» no entrega imágenes ({problem})."
    return True, found + f" Configurada: fuente «{spec}» ({frame.shape[1]}×{frame.shape[0]} px)."


def _scan_topaz() -> str:
    """Spanish summary of the Topaz pads visible over USB (pyusb, and hidapi on Windows)."""
    from drivers.signature.topaz import HidapiTransport, PyUsbTransport, find_usb_backend
    from drivers.signature.topaz_protocol import DEFAULT_PRODUCT_IDS, TOPAZ_VENDOR_ID

    parts = []
    try:
        backend, label = find_usb_backend()
        devices = PyUsbTransport.find(TOPAZ_VENDOR_ID, DEFAULT_PRODUCT_IDS, backend)
        parts.append(f"{len(devices)} por {label}")
    except Exception as exc:
        parts.append(f"USB no disponible ({exc})")
    if HidapiTransport.available():
        try:
            parts.append(f"{len(HidapiTransport.find(TOPAZ_VENDOR_ID, DEFAULT_PRODUCT_IDS))} por hidapi")
        except Exception as exc:
            parts.append(f"hidapi falló ({exc})")
    return "Pads Topaz USB: " + ", ".join(parts) + "."


def _scan_sigweb() -> str:
    from drivers.signature.sigweb import SigWebClient, SigWebSettings

    try:
        info = SigWebClient(SigWebSettings(timeout_s=1.5)).service_info()
    except Exception as exc:
        return f"SigWeb: no disponible ({exc})."
    tablet = "con pad conectado" if info.tablet_connected else "sin pad"
    return f"SigWeb {info.version}: en ejecución, {tablet}." + (f" {info.warning}" if info.warning else "")


def _check_pads() -> tuple[bool, str]:
    from drivers.signature import PAD_KINDS, PadState, create_pad

    kind = (_config().pad or "").strip()
    found = f"{_scan_topaz()} {_scan_sigweb()}"
    if kind not in PAD_KINDS:
        return False, found + f" Pad configurado desconocido: «{kind}» (use {', '.join(PAD_KINDS)})."
    if kind == "onscreen":
        return True, found + " Configurado: pad en pantalla (no requiere dispositivo)."
    pad = create_pad(kind, {"open_timeout_s": 3.0} if kind in ("topaz", "virtual") else None)
    try:
        pad.open()
        state, message, info = pad.state, pad.message, pad.device_info
    finally:
        pad.close()
    if state != PadState.CONNECTED:
        return False, found + f" Configurado: {kind} — {message or state.value}"
    detail = " ".join(v for v in (info.model, info.serial) if v)
    return True, found + f" Configurado: {kind} conectado" + (f" ({detail})." if detail else ".")


def _check_server() -> tuple[bool, str]:
    from station.api import ServerApiError, ServerApi

    config = _config()
    url = (config.server_url or "").strip()
    if not url:
        return True, ("Servidor central no configurado (informativo): la estación trabaja sin conexión hasta "
                      "que se configure en el asistente (Ajustes → Configurar estación).")
    try:
        answer = ServerApi(url, timeout=(3.05, 5.0), ca_bundle=getattr(config, "ca_bundle", "") or None).health()
    except ServerApiError as exc:
        return False, f"{url}: {exc.message} (causa: {exc.cause})"
    database = answer.get("database", "?") if isinstance(answer, dict) else "?"
    return True, f"{url}: responde (base de datos {database})."


CHECKS: list[tuple[str, Callable[[], tuple[bool, str]]]] = [
    ("imports", _check_imports),
    ("resources", _check_resources),
    ("documents", _check_documents),
    ("keyring", _check_keyring),
    ("store", _check_store),
    ("cameras", _check_cameras),
    ("pads", _check_pads),
    ("server", _check_server),
]


def _version() -> str:
    from app.cli import _version as version

    return version()


def run_checks(only: set[str] | None = None) -> dict:
    """Run :data:`CHECKS` (or the names in ``only``), each bounded by :data:`TIMEOUTS_S`.

    An exception or a timeout in one check becomes a failed check with its
    Spanish message; the others still run. Returns the report dict described
    in the module docstring.
    """
    results = []
    for name, check in CHECKS:
        if only and name not in only:
            continue
        started = time.perf_counter()
        try:
            ok, detail = _bounded(check, TIMEOUTS_S.get(name, 30.0))
        except Exception as exc:
            ok, detail = False, str(exc) or type(exc).__name__
        results.append({"name": name, "ok": bool(ok), "detail": detail,
                        "ms": round((time.perf_counter() - started) * 1000, 1)})
    return {"ok": all(r["ok"] for r in results), "version": _version(), "frozen": bool(getattr(sys, "frozen", False)),
            "checks": results}


def main(argv: list[str] | None = None) -> int:
    """Print the JSON report; exit 0 only when every check passed.

    ``argv`` may hold ``--only NAME[,NAME…]`` to run a subset (names of :data:`CHECKS`).
    """
    from station.domain.cliargs import SpanishArgumentParser

    parser = SpanishArgumentParser(prog="credencializacion --self-check",
                                   description="Revisa almacén local, llavero, paquetes y dispositivos; imprime JSON.")
    parser.add_argument("--only", metavar="NOMBRE[,NOMBRE…]", help="solo estas revisiones")
    try:
        args = parser.parse_args(list(argv or []))
    except SystemExit as exc:
        return 0 if exc.code in (0, None) else 2
    only = None
    if args.only is not None:
        only = {n.strip() for n in args.only.split(",") if n.strip()}
        unknown = (only - {n for n, _ in CHECKS}) or ({"(vacío)"} if not only else set())
        if unknown:
            print(f"Revisión desconocida: {', '.join(sorted(unknown))}. Use: {', '.join(n for n, _ in CHECKS)}.",
                  file=sys.stderr)
            return 2
    report = run_checks(only)
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0 if report["ok"] else 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
