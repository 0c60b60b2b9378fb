"""Key loss (issue 14 §3): a missing or wrong key is refused, never replaced; the key follows the
file, not its folder; installers can back it up with a passphrase."""
import io
import shutil
import sqlite3

import keyring
import pytest
from sqlalchemy import create_engine

from station.config import Config
from station.domain import Status
from station.secrets import SERVICE
from station.store import LocalStore, StoreKeyError
from station.store import cli as key_cli
from station.store.crypto import BlobCipher
from station.store.db import file_identity, is_plain_sqlite, migrate
from station.store.keys import export_key_backup, import_key_backup, key_name, load_store_key

from .conftest import fake_jpeg, fake_png
from station.domain.demo import DEMO_CONSENT


def _capture(store, actor):
    matricula = store.find_students(limit=1)[0].matricula
    student = store.execute("capture", matricula, actor, dict(DEMO_CONSENT), blobs={
        "photo": fake_jpeg(), "signature": b'{"strokes": []}', "signature_png": fake_png()})
    return student


@pytest.fixture
def config(tmp_path):
    return Config(station_id="EST-001-01", data_dir=tmp_path / "datos")


@pytest.fixture
def captured(config, operator):
    """A configured store with 20 students and one queued capture; closed."""
    from station.domain.demo import generate_students, make_campuses

    store = LocalStore.open_configured(config)
    store.upsert_students(generate_students(20, make_campuses(1), seed=3))
    student = _capture(store, operator)
    store.close()
    return student


def test_keyring_entry_deleted_refuses_to_open_and_keeps_data(config, captured):
    path = config.store_path
    name = key_name(file_identity(path))
    key = keyring.get_password(SERVICE, name)
    keyring.delete_password(SERVICE, name)
    before = path.read_bytes()
    with pytest.raises(StoreKeyError) as info:
        LocalStore.open_configured(config)
    message = str(info.value)
    assert "Falta en el llavero" in message and "NO se creó una clave nueva" in message
    assert "credencializacion store-key import" in message
    assert keyring.get_password(SERVICE, name) is None     # no new key was made for this store
    assert path.read_bytes() == before                      # data untouched
    keyring.set_password(SERVICE, name, key)                # the installer restores it: all there
    store = LocalStore.open_configured(config)
    assert store.get_blob(captured.photo_sha256).startswith(b"\xff\xd8")
    assert store.pending_count() == 1
    store.close()


def test_wrong_key_in_keyring_refused(config, captured):
    name = key_name(file_identity(config.store_path))
    keyring.set_password(SERVICE, name, "A" * 43 + "=")
    with pytest.raises(StoreKeyError, match="no abre el almacén"):
        LocalStore.open_configured(config)


def test_garbage_in_keyring_refused(config, captured):
    keyring.set_password(SERVICE, key_name(file_identity(config.store_path)), "no es base64 ¿?")
    with pytest.raises(StoreKeyError, match="dañada"):
        LocalStore.open_configured(config)


def test_moving_the_data_folder_keeps_the_key(config, captured, tmp_path):
    moved = Config(station_id="EST-001-01", data_dir=tmp_path / "otra" / "carpeta")
    moved.data_dir.parent.mkdir()
    shutil.move(str(config.data_dir), str(moved.data_dir))
    store = LocalStore.open_configured(moved)
    assert store.get_blob(captured.photo_sha256).startswith(b"\xff\xd8")
    store.close()


def test_new_store_gets_a_key_and_user_only_folder(config):
    store = LocalStore.open_configured(config)
    store.close()
    assert keyring.get_password(SERVICE, key_name(file_identity(config.store_path)))
    assert config.data_dir.stat().st_mode & 0o777 == 0o700
    assert config.store_path.stat().st_mode & 0o777 == 0o600
    assert not is_plain_sqlite(config.store_path)


def test_file_is_unreadable_without_the_key(config, captured):
    raw = b"".join(p.read_bytes() for p in config.data_dir.glob("estacion.sqlite3*"))
    assert captured.curp.encode() not in raw and captured.first_surname.encode() not in raw
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(config.store_path).execute("select count(*) from students").fetchone()


def test_store_of_an_older_version_is_encrypted_with_its_old_key(config, operator):
    """A clear file whose key was filed under its absolute path (older versions)."""
    from station.domain.demo import generate_students, make_campuses

    path = config.store_path
    path.parent.mkdir(parents=True)
    old_key = bytes(range(1, 33))
    keyring.set_password(SERVICE, f"store-key:{path}", __import__("base64").b64encode(old_key).decode())
    plain = path.with_name("plano.sqlite3")
    engine = create_engine(f"sqlite:///{plain}")
    migrate(engine)
    engine.dispose()
    db = sqlite3.connect(plain)
    student = next(iter(generate_students(1, make_campuses(1), seed=4)))
    db.execute("insert into students (matricula, curp, first_names, first_surname, second_surname, prematricula,"
               " folio, campus_code, campus_name, group_code, career, institutional_email, health_institution,"
               " affiliation_number, status, comment, reprint_count) values (?,?,?,?,'','','','001','X','G','C',"
               "'','','','ENROLLED','',0)",
               (student.matricula, student.curp, student.first_names, student.first_surname))
    sealed = BlobCipher(old_key).seal(b"\xff\xd8foto", b"photo:abc")
    db.execute("insert into blobs (sha256, kind, matricula, size, sealed, created_at, uploaded) values "
               "('abc','photo',?,7,?,'2026-01-01T00:00:00+00:00',0)", (student.matricula, sealed))
    db.commit()
    db.close()
    plain.replace(path)
    assert is_plain_sqlite(path)

    store = LocalStore.open_configured(config)
    assert not is_plain_sqlite(path)
    assert store.get_student(student.matricula).curp == student.curp
    assert store.get_blob("abc") == b"\xff\xd8foto"
    store.close()
    assert keyring.get_password(SERVICE, key_name(file_identity(path)))


def test_older_clear_store_with_biometrics_and_no_key_is_refused(config):
    path = config.store_path
    path.parent.mkdir(parents=True)
    engine = create_engine(f"sqlite:///{path}")
    migrate(engine)
    engine.dispose()
    db = sqlite3.connect(path)
    db.execute("insert into blobs (sha256, kind, matricula, size, sealed, created_at, uploaded) values "
               "('abc','photo','1',7,x'00','2026-01-01T00:00:00+00:00',0)")
    db.commit()
    db.close()
    with pytest.raises(StoreKeyError, match="NO se creó una clave nueva"):
        load_store_key(path)
    assert is_plain_sqlite(path)


def test_key_backup_roundtrip(config, captured):
    path = config.store_path
    backup = export_key_backup(path, "frase de paso larga")
    assert b"sealed" in backup
    name = key_name(file_identity(path))
    key = keyring.get_password(SERVICE, name)
    assert key.encode() not in backup
    keyring.delete_password(SERVICE, name)
    with pytest.raises(ValueError, match="frase de paso no corresponde"):
        import_key_backup(path, backup, "otra frase de paso")
    assert keyring.get_password(SERVICE, name) is None
    with pytest.raises(ValueError, match="formato no reconocido"):
        import_key_backup(path, b"{\"format\": 1}", "frase de paso larga")
    import_key_backup(path, backup, "frase de paso larga")
    assert keyring.get_password(SERVICE, name) == key
    store = LocalStore.open_configured(config)
    assert store.get_student(captured.matricula).status == Status.CAPTURED
    store.close()


def test_backup_of_another_store_refused(config, captured, tmp_path):
    other = Config(station_id="EST-2", data_dir=tmp_path / "otra")
    LocalStore.open_configured(other).close()
    backup = export_key_backup(other.store_path, "frase de paso larga")
    with pytest.raises(ValueError, match="otro almacén"):
        import_key_backup(config.store_path, backup, "frase de paso larga")


def test_store_key_cli(config, captured, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("CREDENCIALIZACION_DATA_DIR", str(config.data_dir))
    out = tmp_path / "copia.json"
    monkeypatch.setattr("sys.stdin", io.StringIO("corta\n"))
    assert key_cli.main(["export", "--out", str(out), "--frase-stdin"]) == 2
    assert "al menos 12 caracteres" in capsys.readouterr().err and not out.exists()
    monkeypatch.setattr("sys.stdin", io.StringIO("frase de paso larga\n"))
    assert key_cli.main(["export", "--out", str(out), "--frase-stdin"]) == 0
    assert out.stat().st_mode & 0o777 == 0o600
    monkeypatch.setattr("sys.stdin", io.StringIO("frase de paso larga\n"))
    assert key_cli.main(["export", "--out", str(out), "--frase-stdin"]) == 2
    assert "ya existe" in capsys.readouterr().err
    keyring.delete_password(SERVICE, key_name(file_identity(config.store_path)))
    monkeypatch.setattr("sys.stdin", io.StringIO("mal\n"))
    assert key_cli.main(["import", str(out), "--frase-stdin"]) == 2
    assert "frase de paso no corresponde" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("frase de paso larga\n"))
    assert key_cli.main(["import", str(out), "--frase-stdin"]) == 0
    assert "restaurada" in capsys.readouterr().out
    assert key_cli.main(["import", str(tmp_path / "no-existe.json"), "--frase-stdin"]) == 2
    assert "No se pudo leer" in capsys.readouterr().err
    assert key_cli.main(["rotar"]) == 2
    assert "Error:" in capsys.readouterr().err
