"""JPEG encoding of the credential photo under a size budget."""
from __future__ import annotations

import cv2
import numpy as np

#: Size budget of the stored photo (bytes); 60 KB keeps sync payloads small (DESIGN §10).
MAX_JPEG_BYTES = 60_000


def encode_jpeg(image: np.ndarray, max_bytes: int = MAX_JPEG_BYTES, max_quality: int = 95, min_quality: int = 40) -> bytes:
    """Encode an (H, W, 3) uint8 BGR image as baseline JPEG of at most ``max_bytes``.

    Binary search over the quality between ``min_quality`` and ``max_quality`` for the
    best quality that fits; if even ``min_quality`` is too big, that encoding is
    returned (a 480×640 face photo is far below 60 KB at quality 40). Raises
    ``ValueError`` for a non-image array and ``RuntimeError`` if OpenCV cannot encode.
    """
    if not isinstance(image, np.ndarray) or image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
        raise ValueError("se esperaba una imagen BGR uint8 (H, W, 3)")

    def encode(quality: int) -> bytes:
        ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality, cv2.IMWRITE_JPEG_OPTIMIZE, 1])
        if not ok:
            raise RuntimeError("No se pudo codificar la foto en JPEG.")
        return buf.tobytes()

    best = encode(max_quality)
    if len(best) <= max_bytes:
        return best
    lo, hi = min_quality, max_quality - 1
    best = encode(min_quality)
    while lo <= hi:
        mid = (lo + hi) // 2
        data = encode(mid)
        if len(data) <= max_bytes:
            best, lo = data, mid + 1
        else:
            hi = mid - 1
    return best
