"""Build the frozen station with PyInstaller and check it (on demand, several minutes).

Runs only with ``CREDENCIALIZACION_BUILD_FROZEN=1`` (``scripts/build_frozen.sh`` sets it);
``CREDENCIALIZACION_FROZEN_SKIP_BUILD=1`` reuses an existing ``dist/credencializacion``.

What it checks, on the built folder:

- ``--version`` answers; its wall time (process start → exit) is recorded;
- ``credencializacion-consola --self-check`` passes every check with the demo camera,
  the virtual pad and a real central server (server/testing.py on 127.0.0.1);
- without any keyring the self-check fails the keyring check with its Spanish
  reason (proof that the test-only file keyring is not in the bundle);
- the time from process start to the sign-in window under ``QT_QPA_PLATFORM=offscreen``
  (``CREDENCIALIZACION_STARTUP_PROBE=1`` of ``ui.app``);
- the bundle carries the run-time files and none of the test-only packages.

Figures go to ``dist/frozen-report.json`` and are printed (``pytest -s``). On
Linux, which has no OS keyring here, the self-check uses the test-only
:class:`frozen_keyring.JsonFileKeyring` selected through keyring's own
``keyringrc.cfg`` (a frozen app ignores ``PYTHONPATH``); on Windows the real
Credential Manager is used.
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(os.environ.get("CREDENCIALIZACION_BUILD_FROZEN") != "1",
                                reason="frozen build only on demand: CREDENCIALIZACION_BUILD_FROZEN=1")

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "dist" / "credencializacion"
EXE = ".exe" if sys.platform == "win32" else ""
GUI = DIST / f"credencializacion{EXE}"
CONSOLE = DIST / f"credencializacion-consola{EXE}"
REPORT: dict = {}


def _du(path: Path) -> tuple[int, int]:
    """(bytes, files) under ``path`` (symlinks not followed)."""
    total = files = 0
    for folder, _dirs, names in os.walk(path):
        for name in names:
            p = Path(folder) / name
            if not p.is_symlink():
                total += p.stat().st_size
                files += 1
    return total, files


@pytest.fixture(scope="module")
def built():
    """Build ``dist/credencializacion`` (unless told to reuse it); record build time and size."""
    if os.environ.get("CREDENCIALIZACION_FROZEN_SKIP_BUILD") != "1" or not CONSOLE.exists():
        pyinstaller = Path(sys.executable).with_name("pyinstaller" + EXE)
        command = [str(pyinstaller), "--noconfirm", "--clean", "build.spec"]
        log = ROOT / "build" / "pyinstaller.log"
        log.parent.mkdir(exist_ok=True)
        started = time.monotonic()
        with open(log, "w", encoding="utf-8") as fh:
            code = subprocess.call(command, cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT)
        REPORT["build_command"] = " ".join(["pyinstaller", *command[1:]])
        REPORT["build_seconds"] = round(time.monotonic() - started, 1)
        assert code == 0, f"PyInstaller falló; vea {log}"
    size, files = _du(DIST)
    REPORT["dist"] = str(DIST)
    REPORT["dist_mb"] = round(size / 1e6, 1)
    REPORT["dist_files"] = files
    yield DIST
    out = ROOT / "dist" / "frozen-report.json"
    out.write_text(json.dumps(REPORT, ensure_ascii=False, indent=2), encoding="utf-8")
    print("\n" + json.dumps(REPORT, ensure_ascii=False, indent=2))


@pytest.fixture(scope="module")
def server_url(tmp_path_factory):
    from server.testing import run_server_in_thread

    base_url, stop = run_server_in_thread(f"sqlite:///{tmp_path_factory.mktemp('srv') / 'server.sqlite3'}")
    yield base_url
    stop()


def _env(tmp: Path, keyring: bool = True, **extra: str) -> dict:
    """A clean environment for the frozen app: its own home, the demo devices, no test keyring of pytest."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("CREDENCIALIZACION_", "PYTHON_KEYRING", "XDG_", "QT_"))}
    env.update(CREDENCIALIZACION_HOME=str(tmp / "home"), CREDENCIALIZACION_CAMERA="demo",
               CREDENCIALIZACION_PAD="virtual", CREDENCIALIZACION_MODO="prueba", QT_QPA_PLATFORM="offscreen",
               XDG_CONFIG_HOME=str(tmp / "xdg-config"), XDG_DATA_HOME=str(tmp / "xdg-data"))
    if keyring and sys.platform != "win32":
        sys.path.insert(0, str(Path(__file__).parent))
        from frozen_keyring import write_keyringrc

        write_keyringrc(tmp / "xdg-config")
        env["FROZEN_TEST_KEYRING_FILE"] = str(tmp / "keys.json")
    env.update(extra)
    return env


def _run(args: list[str], env: dict, timeout: float = 180) -> tuple[subprocess.CompletedProcess, float]:
    started = time.perf_counter()
    proc = subprocess.run(args, env=env, capture_output=True, text=True, encoding="utf-8", timeout=timeout)
    return proc, time.perf_counter() - started


def test_version(built, tmp_path):
    times = []
    for _ in range(5):
        proc, seconds = _run([str(CONSOLE), "--version"], _env(tmp_path))
        assert proc.returncode == 0, proc.stderr
        times.append(seconds)
    assert proc.stdout.strip().startswith("credencializacion ")
    REPORT["version_output"] = proc.stdout.strip()
    REPORT["version_seconds_median_of_5"] = round(statistics.median(times), 3)
    REPORT["version_seconds_first"] = round(times[0], 3)


def test_self_check_passes_and_reports_what_it_found(built, tmp_path, server_url):
    proc, seconds = _run([str(CONSOLE), "--self-check"],
                         _env(tmp_path, CREDENCIALIZACION_SERVER_URL=server_url))
    report = json.loads(proc.stdout)
    REPORT["self_check_seconds"] = round(seconds, 2)
    REPORT["self_check"] = report
    assert proc.returncode == 0, json.dumps(report, ensure_ascii=False, indent=2) + proc.stderr
    assert report["ok"] is True and report["frozen"] is True
    names = [c["name"] for c in report["checks"]]
    assert names == ["imports", "resources", "documents", "keyring", "store", "cameras", "pads", "server"]
    server = next(c for c in report["checks"] if c["name"] == "server")
    assert server_url in server["detail"] and "responde" in server["detail"]


def test_sample_credential_and_photo_check_run_frozen(built, tmp_path):
    """Sub-commands that load modules and data by name: the credential PDF and the photo check."""
    env = _env(tmp_path)
    proc, _ = _run([str(CONSOLE), "card", "--sample", "--out", str(tmp_path / "muestra.pdf")], env)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "muestra.pdf").read_bytes().startswith(b"%PDF")
    face = DIST / "_internal" / "resources" / "demo" / "face.jpg"
    proc, _ = _run([str(CONSOLE), "photo-check", str(face), "--out", str(tmp_path / "recorte.jpg")], env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (tmp_path / "recorte.jpg").stat().st_size <= 60 * 1024


def test_without_a_keyring_the_self_check_says_why(built, tmp_path):
    if sys.platform == "win32":
        pytest.skip("Windows always has the Credential Manager")
    proc, _ = _run([str(CONSOLE), "--self-check", "--only", "keyring"], _env(tmp_path, keyring=False))
    report = json.loads(proc.stdout)
    assert proc.returncode == 1 and report["ok"] is False
    assert "No hay un llavero del sistema disponible" in report["checks"][0]["detail"]


def test_start_to_sign_in_window(built, tmp_path):
    times = []
    for _ in range(3):
        proc, seconds = _run([str(GUI)], _env(tmp_path, CREDENCIALIZACION_STARTUP_PROBE="1"))
        assert proc.returncode == 0, proc.stderr
        assert "inicio de sesión mostrado" in proc.stdout
        times.append(seconds)
    REPORT["start_to_sign_in_window_seconds"] = [round(t, 2) for t in times]
    REPORT["start_to_sign_in_window_inside_app_seconds"] = proc.stdout.strip().rsplit(" ", 1)[-1]


def test_bundle_has_runtime_files_and_no_test_packages(built):
    internal = DIST / "_internal"
    for rel in ("station/store/migrations/env.py", "station/store/migrations/versions/0001_initial.py",
                "server/migrations/env.py", "resources/demo/face.jpg", "cv2/data/haarcascade_eye.xml",
                "reportlab/fonts/Vera.ttf", "reportlab/fonts/VeraBd.ttf"):
        assert (internal / rel).is_file(), rel
    assert list((internal / "libusb_package").glob("*usb-1.0*")), "libusb de libusb_package"
    assert list((internal / "PySide6").rglob("*offscreen*")), "complemento offscreen de Qt"
    present = {p.name for p in internal.iterdir()}
    for name in ("keyrings", "pytest", "_pytest", "hypothesis", "skimage", "schemathesis", "pytestqt"):
        assert name not in present, name
