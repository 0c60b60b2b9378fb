"""Issue 14 §7: every station CLI and every bad state — a Spanish message, exit 2 (1 where the
command ran but was refused), no traceback, nothing written when the action failed.

Each case runs the real entry point (:func:`app.cli.main`) in-process with an isolated station
home; ``CASES`` is the list counted in the closing note."""
from __future__ import annotations

import errno
import io
import json
import os
import socket
import sqlite3
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import keyring
import numpy as np
import pytest
from PIL import Image

from app.cli import main as cli
from app.pad_record import RecordingFormatError, replay
from station.secrets import SERVICE
from station.domain.demo import DEMO_CONSENT


@pytest.fixture
def home(monkeypatch, tmp_path):
    monkeypatch.setenv("CREDENCIALIZACION_HOME", str(tmp_path))
    for name in ("SERVER_URL", "STATION_ID", "OFFLINE_LOGIN_DAYS", "DATA_DIR"):
        monkeypatch.delenv("CREDENCIALIZACION_" + name, raising=False)
    (tmp_path / "config").mkdir()
    return tmp_path


def run(capsys, *argv):
    code = cli(list(argv))
    out = capsys.readouterr()
    assert "Traceback" not in out.err + out.out
    return code, out.out + out.err


def face_jpeg(path: Path, orientation: int | None = None) -> Path:
    from drivers.camera.sources import demo_image_path

    img = Image.open(demo_image_path())
    if orientation == 6:  # stored sideways, EXIF says «rotate 90° clockwise to show»
        img = img.transpose(Image.Transpose.ROTATE_90)
        exif = img.getexif()
        exif[0x0112] = 6
        img.save(path, "JPEG", quality=92, exif=exif)
    else:
        img.save(path, "JPEG", quality=92)
    return path


# --------------------------------------------------------------------------- photo-check

def test_photo_check_honours_exif_orientation(tmp_path, capsys):
    upright = face_jpeg(tmp_path / "derecha.jpg")
    sideways = face_jpeg(tmp_path / "telefono.jpg", orientation=6)
    code_upright, _ = run(capsys, "photo-check", str(upright))
    code, text = run(capsys, "photo-check", str(sideways))
    assert code == code_upright, text  # the phone photo is judged as shown, not as stored
    assert "Rostros: 1" in text


def test_photo_check_never_overwrites_its_input(tmp_path, capsys):
    src = face_jpeg(tmp_path / "foto.jpg")
    before = src.read_bytes()
    link = tmp_path / "enlace.jpg"
    link.symlink_to(src)
    for out in (src, link, tmp_path / "." / "foto.jpg"):
        code, text = run(capsys, "photo-check", str(src), "--out", str(out))
        assert code == 2 and "no puede ser la misma imagen" in text
    assert src.read_bytes() == before


@pytest.mark.parametrize("make,message", [
    (lambda p: os.mkfifo(p / "tuberia") or p / "tuberia", "no es un archivo normal"),
    (lambda p: p, "es una carpeta"),
    (lambda p: p / "no-existe.jpg", "No existe"),
    (lambda p: (p / "basura.jpg").write_bytes(os.urandom(3000)) and p / "basura.jpg", "no es una imagen válida"),
    (lambda p: (p / "vacia.jpg").write_bytes(b"") or p / "vacia.jpg", "no es una imagen válida"),
])
def test_photo_check_bad_files(tmp_path, capsys, make, message):
    started = time.monotonic()
    code, text = run(capsys, "photo-check", str(make(tmp_path)))
    assert code == 2 and message in text
    assert time.monotonic() - started < 10  # a FIFO is refused at once, never read


@pytest.mark.parametrize("argv,message", [
    (["--zoom", "nan"], "zoom"), (["--zoom", "inf"], "zoom"), (["--zoom", "dos"], "zoom"),
    (["--offset", "nan,0"], "finito"), (["--offset", "1,2,3"], "desplazamiento"),
    (["--bogus"], "opciones no reconocidas"), (["--detector", "magia"], "opción no válida"),
])
def test_photo_check_bad_options(tmp_path, capsys, argv, message):
    code, text = run(capsys, "photo-check", str(face_jpeg(tmp_path / "f.jpg")), *argv)
    assert code == 2 and message in text and "Error:" in text


# --------------------------------------------------------------------------- pad-record

def test_pad_record_force_without_a_pad_keeps_the_recording(tmp_path, capsys):
    out = tmp_path / "firma.jsonl"
    out.write_text('{"format": "credencializacion.pad-record"}\n{"t": 1, "hex": "00"}\n')
    before = out.read_bytes()
    code, text = run(capsys, "pad-record", str(out), "--force", "--wait", "0.2", "--pid", "0x7777")
    assert code == 1 and out.read_bytes() == before
    assert not (tmp_path / "firma.jsonl.grabando").exists()


@pytest.mark.parametrize("argv,message", [
    (["--seconds", "nan"], "no es un número finito"), (["--seconds", "-1"], "mayor que cero"),
    (["--wait", "diez"], "no es un número"), (["--wait", "inf"], "no es un número finito"),
    (["--bogus"], "opciones no reconocidas"), (["--pid", "xyz", "--virtual"], "PID inválido"),
])
def test_pad_record_bad_options(tmp_path, capsys, argv, message):
    code, text = run(capsys, "pad-record", str(tmp_path / "x.jsonl"), *argv)
    assert code == 2 and message in text
    assert not (tmp_path / "x.jsonl").exists()


def test_pad_record_into_a_folder_is_refused(tmp_path, capsys):
    code, text = run(capsys, "pad-record", str(tmp_path), "--virtual")
    assert code == 2 and "no es un archivo" in text


HEADER = {"format": "credencializacion.pad-record", "version": 1}
RECORDINGS = {
    "binario": b"\x00\xff\xfe" * 100,
    "vacio": b"",
    "encabezado_lista": b"[1, 2]\n",
    "otro_formato": json.dumps({"format": "otra-cosa"}).encode(),
    "version_futura": json.dumps({**HEADER, "version": 99}).encode(),
    "device_no_objeto": json.dumps({**HEADER, "device": [1]}).encode(),
    "calibracion_no_objeto": json.dumps({**HEADER, "calibration": "x"}).encode(),
    "linea_no_objeto": json.dumps(HEADER).encode() + b"\n[1,2]\n",
    "t_nan": json.dumps(HEADER).encode() + b'\n{"t": NaN, "hex": "00"}\n',
    "t_texto": json.dumps(HEADER).encode() + b'\n{"t": "uno", "hex": "00"}\n',
    "hex_impar": json.dumps(HEADER).encode() + b'\n{"t": 1, "hex": "abc"}\n',
    "hex_enorme": json.dumps(HEADER).encode() + b'\n{"t": 1, "hex": "' + b"00" * 500 + b'"}\n',
    "hex_vacio": json.dumps(HEADER).encode() + b'\n{"t": 1, "hex": ""}\n',
    "json_roto": json.dumps(HEADER).encode() + b'\n{"t": 1, "hex": \n',
    "layout_desconocido": json.dumps({**HEADER, "layout": "no-existe"}).encode(),
}


@pytest.mark.parametrize("kind", sorted(RECORDINGS))
def test_malformed_pad_recording_raises_recording_format_error(tmp_path, kind):
    path = tmp_path / f"{kind}.jsonl"
    path.write_bytes(RECORDINGS[kind])
    with pytest.raises(RecordingFormatError) as err:
        replay(path)
    assert err.value.message and any(w in err.value.message for w in ("grabación", "línea", "encabezado"))


@pytest.mark.parametrize("make", [lambda p: p, lambda p: os.mkfifo(p / "f") or p / "f", lambda p: p / "no.jsonl"])
def test_recording_that_is_not_a_file(tmp_path, make):
    with pytest.raises(RecordingFormatError):
        replay(make(tmp_path))


# --------------------------------------------------------------------------- card: write first, then count

@pytest.fixture
def card_source(tmp_path):
    from station.documents.sample import sample_photo_jpeg, sample_signature_png
    from station.domain.demo import generate_students
    from tests.documents.test_cli import FakeSource

    return FakeSource(list(generate_students(2, seed=5)), sample_photo_jpeg(), sample_signature_png())


def _card(source, out):
    from station.documents.cli import card_main

    return card_main([sorted(source.students)[0], "--out", str(out), "--station-id", "EST-BAD-1"], source=source)


def test_card_into_a_folder_counts_no_print(tmp_path, card_source, capsys):
    assert _card(card_source, tmp_path) == 2
    assert card_source.printed == [] and "es una carpeta" in capsys.readouterr().err


def test_card_into_a_missing_parent_under_a_file_counts_no_print(tmp_path, card_source, capsys):
    (tmp_path / "archivo").write_text("x")
    assert _card(card_source, tmp_path / "archivo" / "c.pdf") == 2
    assert card_source.printed == [] and "No se pudo escribir" in capsys.readouterr().err


def test_card_on_a_full_disk_counts_no_print_and_leaves_no_partial(tmp_path, card_source, capsys, monkeypatch):
    def full(_fd):
        raise OSError(errno.ENOSPC, "No queda espacio en el dispositivo")

    monkeypatch.setattr(os, "fsync", full)
    out = tmp_path / "c.pdf"
    assert _card(card_source, out) == 2
    assert card_source.printed == [] and "No queda espacio" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- bad station state

def _store_with_data(home):
    from station.config import load_config
    from station.store import LocalStore

    config = load_config()
    LocalStore.open_configured(config).close()
    return config


def _config(home, text):
    (home / "config" / "config.toml").write_text(text, encoding="utf-8")


BAD_STATES = {
    "almacen_basura": (lambda h, c: c.store_path.write_bytes(os.urandom(8192)), "almacén local"),
    "almacen_truncado": (lambda h, c: c.store_path.write_bytes(c.store_path.read_bytes()[:10]), "truncado"),
    "clave_borrada": (lambda h, c: keyring.delete_password(SERVICE, _key(c)), "Falta en el llavero"),
    "clave_basura": (lambda h, c: keyring.set_password(SERVICE, _key(c), "¿¡basura!?"), "dañada"),
    "clave_equivocada": (lambda h, c: keyring.set_password(SERVICE, _key(c), "A" * 43 + "="), "no abre"),
    "config_rota": (lambda h, c: _config(h, "server_url = [\n"), "dañado"),
    "config_binaria": (lambda h, c: (h / "config" / "config.toml").write_bytes(b"\xff\xfe\x00"), "dañado"),
    "dias_infinito": (lambda h, c: _config(h, "offline_login_days = inf\n"), "offline_login_days"),
    "dias_30": (lambda h, c: _config(h, "offline_login_days = 30\n"), "offline_login_days"),
    "vigencia_texto": (lambda h, c: _config(h, 'temporary_valid_days = "mucho"\n'), "temporary_valid_days"),
    "carpeta_es_archivo": (lambda h, c: _config(h, f'data_dir = "{h / "config" / "config.toml"}"\n'),
                           ("carpeta de datos", "No existe el almacén")),
}


def _key(config):
    from station.store.db import file_identity
    from station.store.keys import key_name

    return key_name(file_identity(config.store_path))


@pytest.mark.parametrize("state", sorted(BAD_STATES))
@pytest.mark.parametrize("command", [["sync", "--servidor", "http://127.0.0.1:9"],
                                     ["report", "--out", "r.xlsx"], ["store-key", "export", "--out", "k.json"]])
def test_bad_station_state_is_a_spanish_exit_2(home, capsys, monkeypatch, state, command):
    config = _store_with_data(home)
    before = config.store_path.read_bytes()
    BAD_STATES[state][0](home, config)
    monkeypatch.chdir(home)
    monkeypatch.setattr("sys.stdin", io.StringIO("frase de paso larga\n"))
    code, text = run(capsys, *command)
    assert code == 2, text
    expected = BAD_STATES[state][1]
    assert any(m in text for m in ((expected,) if isinstance(expected, str) else expected)), text
    if state.startswith(("clave", "config", "dias", "vigencia", "carpeta")):
        assert config.store_path.read_bytes() == before  # nothing written to the store


def test_locked_store_is_a_spanish_exit_2(home, capsys):
    from station.store.crypto import page_key
    from station.store.db import connect_raw
    from station.store.keys import load_store_key

    config = _store_with_data(home)
    holder = connect_raw(config.store_path, page_key(load_store_key(config.store_path)), timeout=0.1)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        code, text = run(capsys, "report", "--out", str(home / "r.xlsx"))
    finally:
        holder.rollback()
        holder.close()
    assert code == 2 and "bloqueado" in text, text


# --------------------------------------------------------------------------- sync: bounded, proxies are not refusals

class _Html404(BaseHTTPRequestHandler):
    def _answer(self):
        body = b"<html><body><h1>404 Not Found</h1>nginx</body></html>"
        self.send_response(404)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = _answer

    def log_message(self, *args):
        pass


@pytest.fixture
def html_proxy():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Html404)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_html_404_from_a_proxy_is_a_transport_error_not_a_refusal(tmp_path, html_proxy):
    from station.api import ServerApi
    from station.domain import Actor, Role
    from station.domain.demo import generate_students, make_campuses
    from station.store import LocalStore
    from station.sync import SyncService, no_wait_backoff
    from tests.sync.conftest import KEY, capture_blobs

    store = LocalStore(tmp_path / "e.sqlite3", KEY, "EST-1")
    store.upsert_students(generate_students(5, make_campuses(1), seed=2))
    actor = Actor("op", Role.OPERATOR, frozenset({"001"}))
    for s in store.find_students()[:3]:
        store.execute("capture", s.matricula, actor, dict(DEMO_CONSENT), blobs=capture_blobs())
    config = type("Cfg", (), {"campuses": ["001"]})()
    service = SyncService(store, lambda: ServerApi(html_proxy, token="t"), config, backoff=no_wait_backoff(attempts=2))
    result = service.run_round()
    assert not result.completed and result.errors[-1]["cause"] == "bad_response"
    assert "proxy" in result.errors[-1]["message"]
    assert store.pending_count() == 3 and service.incidencias() == []
    store.close()


def test_sync_against_a_hanging_server_is_time_bounded(home, capsys):
    _store_with_data(home)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)  # accepts connections, never answers
    os.environ["CREDENCIALIZACION_SYNC_PASSWORD"] = "x"
    try:
        started = time.monotonic()
        code, text = run(capsys, "sync", "--servidor", f"http://127.0.0.1:{listener.getsockname()[1]}",
                         "--usuario", "op", "--espera", "1", "--limite", "4", "--intentos", "1")
        elapsed = time.monotonic() - started
    finally:
        del os.environ["CREDENCIALIZACION_SYNC_PASSWORD"]
        listener.close()
    assert code == 1 and elapsed < 15, (elapsed, text)
    assert json.loads(text)["errors"][0]["cause"] == "timeout"


@pytest.mark.parametrize("argv,message", [
    (["--intentos", "nan"], "número entero"), (["--intentos", "0"], "1 o mayor"),
    (["--limite", "inf"], "finito"), (["--espera", "-3"], "mayor que cero"), (["--bogus"], "opciones no reconocidas"),
    (["--servidor", "ftp://x"], "https://"), (["--servidor", "http://a b"], "https://"),
])
def test_sync_bad_options(home, capsys, argv, message):
    code, text = run(capsys, "sync", *argv)
    assert code == 2 and message in text


# --------------------------------------------------------------------------- the other entry points

@pytest.mark.parametrize("argv,message", [
    (["--self-check", "--bogus"], "opciones no reconocidas"),
    (["--self-check", "--only", "nada"], "Revisión desconocida"),
    (["--self-check", "--only"], "se esperaba un valor"),
    (["devices", "--bogus"], "opciones no reconocidas"),
    (["devices", "--timeout", "nan"], "finito"),
    (["devices", "--timeout", "uno"], "no es un número"),
    (["setup", "--bogus"], "opciones no reconocidas"),
    (["store-key"], "faltan los argumentos"),
    (["store-key", "rotar"], "opción no válida"),
    (["card"], "faltan los argumentos"),
    (["verify-qr"], "faltan los argumentos"),
    (["nada"], "Subcomando desconocido"),
    (["--bogus"], "Opción desconocida"),
])
def test_unknown_options_and_bad_values_everywhere(home, capsys, argv, message):
    code, text = run(capsys, *argv)
    assert code == 2 and message in text, text
