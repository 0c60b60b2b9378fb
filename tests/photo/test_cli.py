"""``credencializacion photo-check`` command."""
from __future__ import annotations

import json
import os
import sys

import cv2
import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(__file__))
import photo_scenes as ps  # noqa: E402

from station.cli import main as cli_main  # noqa: E402
from station.photo.cli import main  # noqa: E402

REQUIRED = {"single_face", "eyes_found", "inter_eye_distance", "centered", "roll", "exposure", "illumination",
            "sharpness", "background"}


@pytest.fixture(scope="module")
def good_png(tmp_path_factory):
    path = tmp_path_factory.mktemp("img") / "alumno ñ.png"  # non-ASCII path
    cv2.imwrite(str(path), ps.scene()[0])
    return path


def test_accepted_photo_json_and_crop(good_png, tmp_path, capsys):
    out = tmp_path / "recorte.jpg"
    assert cli_main(["photo-check", str(good_png), "--out", str(out), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["accepted"] is True and payload["face_count"] == 1
    assert REQUIRED <= {c["name"] for c in payload["checks"]}
    for c in payload["checks"]:
        assert set(c) == {"name", "ok", "score", "value", "message"}
        assert isinstance(c["ok"], bool) and 0 <= c["score"] <= 100
    data = out.read_bytes()
    assert len(data) <= 60_000
    assert cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR).shape == (640, 480, 3)


def test_rejected_photo_exit_1_names_check(tmp_path, capsys):
    path = tmp_path / "oscura.jpg"
    cv2.imwrite(str(path), ps.dark(ps.scene()[0]))
    assert main([str(path), "--json"]) == 1
    payload = json.loads(capsys.readouterr().out)
    assert payload["accepted"] is False
    failing = [c for c in payload["checks"] if not c["ok"]]
    assert [c["name"] for c in failing] == ["exposure"]
    assert failing[0]["message"] == "Luz insuficiente"


def test_no_face_text_output(tmp_path, capsys):
    path = tmp_path / "camara.png"
    import skimage.data

    cv2.imwrite(str(path), skimage.data.camera())
    assert main([str(path), "--out", str(tmp_path / "x.jpg")]) == 1
    captured = capsys.readouterr()
    assert "RECHAZADA" in captured.out and "No se detecta un rostro" in captured.out
    assert "No se guardó el recorte" in captured.err
    assert not (tmp_path / "x.jpg").exists()


@pytest.mark.parametrize("content", [None, b"", b"not an image at all", b"\xff\xd8\xff\xe0" + b"\x00" * 50])
def test_unreadable_file_exit_2_without_traceback(tmp_path, capsys, content):
    path = tmp_path / "foto.jpg"
    if content is not None:
        path.write_bytes(content)
    assert main([str(path), "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "Traceback" not in captured.err
    assert "foto.jpg" in captured.err and ("No existe" in captured.err or "no es una imagen" in captured.err)


def test_unwritable_output_exit_2(good_png, tmp_path, capsys):
    assert main([str(good_png), "--out", str(tmp_path / "no-existe" / "x.jpg")]) == 2
    assert "no se pudo escribir" in capsys.readouterr().err


def test_missing_argument_exit_2(capsys):
    assert main([]) == 2
    assert "IMAGEN" in capsys.readouterr().err


def test_demo_photo_shipped_with_the_product_is_accepted(capsys):
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    assert main([os.path.join(root, "resources", "demo", "face.jpg"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["accepted"] is True
