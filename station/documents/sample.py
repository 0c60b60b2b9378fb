"""Built-in sample inputs for ``credencializacion card --sample`` (printer alignment check).

The sample student is fictitious (long accented name, long career, long
health institution) so installers also see how the card copes with the
longest texts. The photo is the demo face shipped in ``resources/demo/face.jpg``
when present, else a drawn placeholder silhouette; the signature is drawn.
"""
from __future__ import annotations

import functools
import io
import math
from datetime import date
from importlib import resources as importlib_resources
from pathlib import Path

from PIL import Image, ImageDraw

from station.domain.demo import build_curp
from station.domain.statuses import Status
from station.domain.student import Student
from station.domain.validators import matricula_check_digit

#: Pixel size of the demo/placeholder photo (3:4, as captured by the station).
PHOTO_SIZE_PX = (480, 640)


def sample_student() -> Student:
    """A fictitious student with long accented texts (Ñ, Á, Ó…), status CAPTURED."""
    prematricula = "260010999"
    first, s1, s2 = "MARÍA DE LOS ÁNGELES", "CASTAÑEDA", "ORDÓÑEZ"
    return Student(
        matricula=f"{prematricula}-{matricula_check_digit(prematricula)}",
        curp=build_curp(first, s1, s2, date(2010, 3, 14), "M", "MC"),
        first_names=first, first_surname=s1, second_surname=s2, prematricula=prematricula,
        folio="340100999", campus_code="001", campus_name="Nezahualcóyotl I", group_code="102-METM18",
        career="PT-B en Mantenimiento de Sistemas Automáticos", semester=1,
        institutional_email="mcastaneda031026@conalepmex.edu.mx",
        health_institution="Instituto de Seguridad Social del Estado de México y Municipios (ISSEMYM)",
        affiliation_number="26180366723", status=Status.CAPTURED,
    )


def demo_photo_path() -> Path | None:
    """Path of ``resources/demo/face.jpg`` if the file ships, else ``None``."""
    try:
        path = Path(str(importlib_resources.files("resources"))) / "demo" / "face.jpg"
    except (ModuleNotFoundError, TypeError):
        return None
    return path if path.is_file() else None


@functools.cache
def placeholder_photo_jpeg() -> bytes:
    """A 480×640 JPEG of a grey head-and-shoulders silhouette on a light background."""
    w, h = PHOTO_SIZE_PX
    img = Image.new("RGB", (w, h), (232, 236, 240))
    d = ImageDraw.Draw(img)
    d.ellipse((w * 0.12, h * 0.66, w * 0.88, h * 1.25), fill=(120, 128, 138))
    d.rectangle((w * 0.40, h * 0.50, w * 0.60, h * 0.72), fill=(120, 128, 138))
    d.ellipse((w * 0.27, h * 0.15, w * 0.73, h * 0.60), fill=(120, 128, 138))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=90, dpi=(300, 300))
    return buf.getvalue()


def sample_photo_jpeg() -> bytes:
    """The demo face JPEG bytes (unchanged), or :func:`placeholder_photo_jpeg`."""
    path = demo_photo_path()
    return path.read_bytes() if path else placeholder_photo_jpeg()


@functools.cache
def sample_signature_png() -> bytes:
    """A drawn signature: 600×200 px RGBA PNG, dark blue ink on a transparent background."""
    w, h = 600, 200
    img = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    pts = []
    for i in range(400):
        t = i / 399
        x = 30 + t * 520
        y = 110 - 45 * math.sin(t * 9.5) * (1 - 0.6 * t) - 20 * math.sin(t * 31) * (t < 0.55)
        pts.append((x, y))
    d.line(pts, fill=(20, 30, 110, 255), width=6, joint="curve")
    d.line([(120, 150), (470, 135)], fill=(20, 30, 110, 255), width=4)
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()
