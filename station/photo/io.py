"""Reading image files for the photo pipeline."""
from __future__ import annotations

import os
import stat

import cv2
import numpy as np

from station.domain.errors import UserError


#: Largest image file read (bytes): a phone photo is a few MB.
MAX_FILE_BYTES = 50_000_000


class ImageReadError(UserError):
    """The file is missing, unreadable or not an image; ``str(exc)`` is a Spanish message."""

    code = "image_unreadable"


def read_image(path: str | os.PathLike[str]) -> np.ndarray:
    """Read an image file (JPEG, PNG, BMP, TIFF, WebP…) as (H, W, 3) uint8 BGR.

    Works with non-ASCII paths on Windows (reads bytes, then ``cv2.imdecode``). The
    EXIF orientation is applied (an upright phone photo stays upright); grey, BGRA and
    16-bit images are converted. Raises :class:`ImageReadError` with a Spanish message
    naming the file when it does not exist, is not a regular file (FIFO, device —
    refused at once, never read), is larger than :data:`MAX_FILE_BYTES`, cannot be
    read or is not an image.
    """
    name = os.fspath(path)
    try:
        info = os.stat(name)
    except FileNotFoundError:
        raise ImageReadError(f"No existe el archivo «{name}».") from None
    except OSError as exc:
        raise ImageReadError(f"No se pudo leer «{name}»: {exc.strerror or exc}.") from None
    if stat.S_ISDIR(info.st_mode):
        raise ImageReadError(f"«{name}» es una carpeta, no una imagen.")
    if not stat.S_ISREG(info.st_mode):
        raise ImageReadError(f"«{name}» no es un archivo normal (tubería o dispositivo); no se lee.")
    if info.st_size > MAX_FILE_BYTES:
        raise ImageReadError(f"«{name}» es demasiado grande ({info.st_size // 1_000_000} MB) para una fotografía.")
    try:
        data = np.fromfile(name, dtype=np.uint8)
    except FileNotFoundError:
        raise ImageReadError(f"No existe el archivo «{name}».") from None
    except IsADirectoryError:
        raise ImageReadError(f"«{name}» es una carpeta, no una imagen.") from None
    except OSError as exc:
        raise ImageReadError(f"No se pudo leer «{name}»: {exc.strerror or exc}.") from None
    try:
        image = cv2.imdecode(data, cv2.IMREAD_COLOR) if data.size else None  # IMREAD_COLOR honours EXIF orientation
    except cv2.error:
        image = None
    if image is None:
        raise ImageReadError(f"«{name}» no es una imagen válida o está dañada.")
    if image.dtype != np.uint8:
        image = cv2.convertScaleAbs(image, alpha=255.0 / max(1.0, float(image.max())))
    if image.ndim == 2:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    elif image.shape[2] == 4:
        image = cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    return image
