"""Reading image files for the photo pipeline."""
from __future__ import annotations

import os

import cv2
import numpy as np


class ImageReadError(Exception):
    """The file is missing, unreadable or not an image; ``str(exc)`` is a Spanish message."""


def read_image(path: str | os.PathLike[str]) -> np.ndarray:
    """Read an image file (JPEG, PNG, BMP, TIFF, WebP…) as (H, W, 3) uint8 BGR.

    Works with non-ASCII paths on Windows (reads bytes, then ``cv2.imdecode``). Grey
    and BGRA images are converted. Raises :class:`ImageReadError` with a Spanish
    message naming the file when it does not exist, cannot be read or is not an image.
    """
    name = os.fspath(path)
    try:
        data = np.fromfile(name, dtype=np.uint8)
    except FileNotFoundError:
        raise ImageReadError(f"No existe el archivo «{name}».") from None
    except IsADirectoryError:
        raise ImageReadError(f"«{name}» es una carpeta, no una imagen.") from None
    except OSError as exc:
        raise ImageReadError(f"No se pudo leer «{name}»: {exc.strerror or exc}.") from None
    image = cv2.imdecode(data, cv2.IMREAD_UNCHANGED) if data.size else None
    if image is None:
        raise ImageReadError(f"«{name}» no es una imagen válida o está dañada.")
    if image.dtype != np.uint8:
        image = cv2.convertScaleAbs(image, alpha=255.0 / max(1.0, float(image.max())))
    if image.ndim == 2:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    elif image.shape[2] == 4:
        image = cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    return image
