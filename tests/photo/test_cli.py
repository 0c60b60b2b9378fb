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

from app.cli import main as cli_main  # noqa: E402
from station.photo.cli import main  # noqa: E402

REQUIRED = {"single_face", "eyes_found", "inter_eye_distance", "centered", "roll", "yaw", "head_in_crop", "exposure",
            "illumination", "sharpness", "background"}


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
    assert payload["detector"] == "dlib" and payload["fix_first"] is None
    assert REQUIRED == {c["name"] for c in payload["checks"]}
    for c in payload["checks"]:
        assert set(c) == {"name", "ok", "score", "value", "threshold", "message", "measures"}
        assert isinstance(c["ok"], bool) and 0 <= c["score"] <= 100
        assert c["measures"], c["name"]  # every check shows what it measured against what
        for x in c["measures"]:
            assert set(x) == {"name", "value", "op", "threshold", "unit", "ok"} and x["op"] in ("≥", "≤")
            assert isinstance(x["threshold"], float | int)
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
    assert [c["name"] for c in failing] == ["exposure"] and payload["fix_first"] == "exposure"
    assert failing[0]["message"] == "Luz insuficiente"
    luminance = {x["name"]: x for x in failing[0]["measures"]}["face_luminance"]
    assert luminance["value"] < luminance["threshold"] and luminance["ok"] is False


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


def test_zoom_that_cuts_the_crown_is_refused_and_the_crop_is_the_one_judged(good_png, tmp_path, capsys):
    out = tmp_path / "recorte.jpg"
    assert main([str(good_png), "--zoom", "1.6", "--json", "--out", str(out)]) == 1
    payload = json.loads(capsys.readouterr().out)
    assert payload["failed"] == ["head_in_crop"] and payload["crop"] == {"zoom": 1.6, "offset": [0.0, 0.0]}
    assert "cabeza" in payload["message"]
    assert out.exists()  # the refused crop is still written: the operator decides


def test_text_output_lists_measures_and_detector(good_png, capsys):
    assert main([str(good_png), "--detector", "haar"]) == 0
    out = capsys.readouterr().out
    assert "detector: haar" in out and "ied_source_px" in out and "≥ 90 px" in out


@pytest.mark.parametrize("args", [["--zoom", "cero"], ["--zoom", "0"], ["--zoom", "nan"], ["--offset", "3"],
                                  ["--offset", "0,inf"], ["--detector", "nada"]])
def test_bad_crop_arguments_exit_2(good_png, capsys, args):
    assert main([str(good_png), *args]) == 2
    assert "Traceback" not in capsys.readouterr().err
