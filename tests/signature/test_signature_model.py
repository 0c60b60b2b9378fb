"""Signature model: JSON round trip, the empty/trivial check, PNG and SVG by measure."""
from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from drivers.signature.model import (
    DeviceInfo,
    Point,
    Signature,
    SignatureFormatError,
    SignatureRejected,
    Stroke,
    demo_strokes,
    signature_from_points,
)

DEVICE = DeviceInfo(kind="topaz", model="LBK460", serial="X1", vendor_id=0x06A8, product_id=0x0043,
                    calibration={"raw_x": [400, 2400], "raw_y": [350, 1050]})


def demo_signature() -> Signature:
    return signature_from_points(demo_strokes(), DEVICE)


def test_json_round_trip_keeps_points_and_metadata():
    sig = demo_signature()
    sig.started_at = "2026-01-05T17:03:12.345Z"
    back = Signature.from_json(sig.to_json())
    assert back == sig
    doc = json.loads(sig.to_json())
    assert doc["format"] == "credencializacion.signature" and doc["version"] == 1
    assert doc["device"]["vendor_id"] == "0x06a8" and doc["device"]["product_id"] == "0x0043"
    assert doc["strokes"][0][0] == [int(sig.strokes[0].points[0].x), int(sig.strokes[0].points[0].y), 0, 1]


coord = st.floats(min_value=0, max_value=2000, allow_nan=False).map(lambda v: round(v, 2))


@settings(max_examples=50, deadline=None)
@given(st.lists(st.lists(st.tuples(coord, coord, st.integers(0, 10**6), st.booleans()), min_size=1, max_size=20),
                max_size=5))
def test_json_round_trip_any_strokes(raw):
    sig = Signature([Stroke([Point(x, y, t, d) for x, y, t, d in s]) for s in raw], DEVICE)
    assert Signature.from_json(sig.to_json()) == sig


@pytest.mark.parametrize("data", [b"not json", b"{}", b'{"format": "otro"}',
                                  b'{"format": "credencializacion.signature", "version": 1, "strokes": [[[1]]]}'])
def test_from_json_rejects_other_documents_in_spanish(data):
    with pytest.raises(SignatureFormatError) as err:
        Signature.from_json(data)
    assert "firma" in err.value.message


def test_from_json_refuses_newer_version():
    doc = json.loads(demo_signature().to_json())
    doc["version"] = 99
    with pytest.raises(SignatureFormatError, match="versión más nueva"):
        Signature.from_json(json.dumps(doc))


def test_check_accepts_a_real_looking_signature():
    demo_signature().check()  # no exception


def test_check_refuses_empty():
    with pytest.raises(SignatureRejected) as err:
        Signature(device=DEVICE).check()
    assert err.value.reason == "empty" and "No hay firma" in err.value.message


def test_check_refuses_too_few_points():
    sig = signature_from_points([[(100, 100), (600, 400), (900, 200)]], DEVICE)
    with pytest.raises(SignatureRejected) as err:
        sig.check()
    assert err.value.reason == "few_points" and "Limpiar" in err.value.message


def test_check_refuses_a_dot_or_tiny_scribble():
    scribble = [(1000 + (i % 5) * 4, 300 + (i % 3) * 4) for i in range(40)]
    with pytest.raises(SignatureRejected) as err:
        signature_from_points([scribble], DEVICE).check()
    assert err.value.reason == "small" and "pequeña" in err.value.message


def test_check_refuses_a_flat_line():
    line = [(200 + i * 20, 350) for i in range(60)]
    with pytest.raises(SignatureRejected) as err:
        signature_from_points([line], DEVICE).check()
    assert err.value.reason == "small"


def _alpha_bbox(png: bytes):
    img = Image.open(io.BytesIO(png))
    assert img.mode == "RGBA"
    # ink = clearly visible pixels (alpha > 64); faint anti-aliasing fringes ignored
    return img, img.getchannel("A").point(lambda a: 255 if a > 64 else 0).getbbox()


def test_png_is_transparent_with_ink_where_the_strokes_are():
    sig = signature_from_points([[(500, 200), (1500, 200), (1500, 500)]], DEVICE)
    img, bbox = _alpha_bbox(sig.to_png(1000, 350, crop="pad", pen_width_px=4))
    assert img.size == (1000, 350)
    # corners fully transparent, ink bbox matches the strokes (÷2 scale) within
    # the pen radius plus two pixels of anti-aliasing
    assert img.getpixel((0, 0))[3] == 0 and img.getpixel((999, 349))[3] == 0
    x0, y0, x1, y1 = bbox
    tol = 2 + 2
    assert abs(x0 - 250) <= tol and abs(y0 - 100) <= tol and abs(x1 - 750) <= tol and abs(y1 - 250) <= tol
    alpha = img.getchannel("A")
    inked = alpha.point(lambda a: 255 if a > 128 else 0).histogram()[255]
    # two segments of 500 + 150 px at ~4 px width: ink area in the right order of magnitude
    assert 1500 < inked < 5000
    assert img.getpixel((500, 100))[:3] == (0, 0, 0) and img.getpixel((500, 100))[3] > 200


def test_png_crop_ink_fills_the_image():
    img, bbox = _alpha_bbox(demo_signature().to_png(600))
    w, h = img.size
    x0, y0, x1, y1 = bbox
    # ink reaches near both sides (margin 20 pad units) in the fitted axis
    assert x0 < w * 0.05 and x1 > w * 0.95


def test_empty_png_is_fully_transparent():
    img, bbox = _alpha_bbox(Signature(device=DEVICE).to_png(300, 100))
    assert bbox is None


def test_svg_has_one_path_per_stroke_and_no_background():
    sig = demo_signature()
    root = ET.fromstring(sig.to_svg())
    ns = {"s": "http://www.w3.org/2000/svg"}
    paths = root.findall("s:path", ns)
    assert len(paths) == sig.stroke_count == 3
    assert not root.findall("s:rect", ns)
    assert all(p.get("fill") == "none" for p in paths)
    # the first path visits every point of the first stroke
    assert paths[0].get("d").count("L") == len(sig.strokes[0].points) - 1
    x, y, w, h = map(float, root.get("viewBox").split())
    bx0, by0, bx1, by1 = sig.bbox()
    assert x <= bx0 and y <= by0 and x + w >= bx1 and y + h >= by1


def test_svg_single_point_stroke_is_drawn_as_dot():
    root = ET.fromstring(signature_from_points([[(10, 10)]], DEVICE).to_svg())
    (path,) = root.findall("{http://www.w3.org/2000/svg}path")
    assert path.get("d") == "M10 10 l0 0" and path.get("stroke-linecap") == "round"
