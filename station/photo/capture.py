"""Finalising a capture: the rules that decide whether a photo may be saved.

A photo whose checks all pass is saved as is. A photo with a failing check may be
saved only with a written reason (an operator override, audited by the caller under
the command keys ``photo_checks_ok`` / ``photo_override_reason``).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from station.photo.encode import encode_jpeg
from station.photo.geometry import TOKEN_SIZE, EyePair, crop_token
from station.photo.quality import Analysis, evaluate_crop
from station.domain.errors import UserError

#: Minimum length of an override reason (characters, after trimming).
MIN_OVERRIDE_REASON_CHARS = 10


class OverrideReasonRequired(UserError, ValueError):
    """A failing photo was finalised without a long enough reason. ``str()`` is Spanish."""

    code = "override_reason_required"


@dataclass(frozen=True)
class CaptureResult:
    """The photo to store: ``jpeg`` (480×640, ≤ 60 KB), ``photo_checks_ok`` and ``photo_override_reason`` ('' if none)."""

    jpeg: bytes
    photo_checks_ok: bool
    photo_override_reason: str


def override_reason_ok(reason: str) -> bool:
    """True if ``reason`` is long enough to justify saving a photo that failed a check."""
    return len(reason.strip()) >= MIN_OVERRIDE_REASON_CHARS


def crop_eyes(analysis: Analysis) -> EyePair:
    """Eyes to crop around: the detected/estimated ones, or — with no face — a centred
    pair that makes the largest token crop that fits the frame (operator frames by hand)."""
    if analysis.eyes is not None:
        return analysis.eyes
    h, w = analysis.frame_shape
    crop_w = min(w, h * TOKEN_SIZE[0] / TOKEN_SIZE[1])
    ied = 0.25 * crop_w
    eye_y = (h - crop_w * TOKEN_SIZE[1] / TOKEN_SIZE[0]) / 2 + 0.6 * crop_w
    return EyePair((w / 2 - ied / 2, eye_y), (w / 2 + ied / 2, eye_y))


def finalize_capture(
    frame: np.ndarray, analysis: Analysis, zoom: float = 1.0, offset: tuple[float, float] = (0.0, 0.0), reason: str = ""
) -> CaptureResult:
    """Crop ``frame`` ((H, W, 3) uint8 BGR, the one ``analysis`` was made on) to the
    token geometry with the operator's ``zoom``/``offset`` (token px) and encode it.

    The checks are those of *this* crop: when ``zoom``/``offset`` differ from the ones
    ``analysis`` judged, the crop is judged again (:func:`evaluate_crop`), so a zoom that cuts
    the crown is not saved as «checks passed». Raises :class:`OverrideReasonRequired` if a
    check failed and ``reason`` is shorter than :data:`MIN_OVERRIDE_REASON_CHARS`. The reason
    is dropped when all checks pass.
    """
    if analysis.eyes is not None and (zoom, tuple(offset)) != (analysis.zoom, tuple(analysis.offset)):
        analysis = evaluate_crop(frame, analysis, zoom, offset)
    ok = analysis.accepted
    reason = reason.strip()
    if not ok and not override_reason_ok(reason):
        raise OverrideReasonRequired(
            f"La foto no pasó todas las revisiones: escriba el motivo para aceptarla (mínimo {MIN_OVERRIDE_REASON_CHARS} caracteres)."
        )
    jpeg = encode_jpeg(crop_token(frame, crop_eyes(analysis), zoom=zoom, offset=offset))
    return CaptureResult(jpeg, ok, "" if ok else reason)
