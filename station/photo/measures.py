"""Pixel quality measures in the style of OFIQ (BSI's reference implementation of
ISO/IEC 29794-5). Each function returns a raw value; :func:`sigmoid` and the
``*_score`` helpers map raw values to a 0–100 quality score (100 = best).

Inputs are uint8 grey arrays (H, W) cut from the *aligned* face (token geometry,
see :mod:`station.photo.geometry`), so values do not depend on camera resolution.
"""
from __future__ import annotations

import math

import cv2
import numpy as np


def sigmoid(x: float, x0: float, w: float) -> float:
    """Logistic ``1 / (1 + exp(-(x − x0) / w))`` (OFIQ's mapping function)."""
    z = max(-60.0, min(60.0, (x - x0) / w))
    return 1.0 / (1.0 + math.exp(-z))


def _check_gray(gray: np.ndarray) -> None:
    if not isinstance(gray, np.ndarray) or gray.dtype != np.uint8 or gray.ndim != 2 or gray.size == 0:
        raise ValueError("se esperaba una imagen en escala de grises uint8 (H, W) no vacía")


def luminance_mean(gray: np.ndarray) -> float:
    """Mean luminance of ``gray`` scaled to 0–1 (OFIQ LuminanceMean raw value)."""
    _check_gray(gray)
    return float(gray.mean()) / 255.0


def luminance_mean_score(mean: float) -> float:
    """OFIQ LuminanceMean score: ``100·σ(m; 0.2, 0.05)·(1 − σ(m; 0.8, 0.05))``."""
    return 100.0 * sigmoid(mean, 0.2, 0.05) * (1.0 - sigmoid(mean, 0.8, 0.05))


def under_exposure(gray: np.ndarray) -> float:
    """Share (0–1) of pixels in 0–25 (OFIQ UnderExposurePrevention raw value)."""
    _check_gray(gray)
    return float(np.count_nonzero(gray <= 25)) / gray.size


def over_exposure(gray: np.ndarray) -> float:
    """Share (0–1) of pixels in 247–255 (OFIQ OverExposurePrevention raw value)."""
    _check_gray(gray)
    return float(np.count_nonzero(gray >= 247)) / gray.size


def exposure_share_score(share: float) -> float:
    """Score for an under/over-exposed share: 100 at 0 %, 50 at 10 %, ~0 from 25 %."""
    return min(100.0, 100.0 * (1.0 - sigmoid(share, 0.10, 0.03)) / (1.0 - sigmoid(0.0, 0.10, 0.03)))


def illumination_overlap(left: np.ndarray, right: np.ndarray, bins: int = 32) -> float:
    """Overlap (0–1) of the normalised luminance histograms of the two face halves.

    OFIQ IlluminationUniformity raw value: ``Σ min(h_left, h_right)`` with each
    histogram summing to 1. 1 = identical lighting on both sides.
    """
    _check_gray(left)
    _check_gray(right)
    hl = np.bincount((left.ravel() >> 3).astype(np.intp) * bins // 32, minlength=bins).astype(np.float64)
    hr = np.bincount((right.ravel() >> 3).astype(np.intp) * bins // 32, minlength=bins).astype(np.float64)
    hl /= hl.sum()
    hr /= hr.sum()
    return float(np.minimum(hl, hr).sum())


def illumination_score(overlap: float) -> float:
    """OFIQ IlluminationUniformity mapping ``100·overlap^0.3``."""
    return 100.0 * max(0.0, overlap) ** 0.3


def sharpness(gray: np.ndarray) -> float:
    """Variance of the 3×3 Laplacian of ``gray`` divided by the variance of ``gray`` (unitless).

    Dividing by the image variance makes the measure independent of exposure and
    contrast (a dim but sharp face stays sharp). Higher = sharper; a uniform patch gives 0.
    """
    _check_gray(gray)
    variance = float(gray.var())
    if variance < 1e-6:
        return 0.0
    return float(cv2.Laplacian(gray, cv2.CV_32F, ksize=3).var()) / variance


def sharpness_score(value: float, x0: float = 0.5, w: float = 0.12) -> float:
    """Sharpness score ``100·σ(value; x0, w)`` (x0 calibrated on the aligned 240×320 face)."""
    return 100.0 * sigmoid(value, x0, w)


def background_gradient(gray: np.ndarray, mask: np.ndarray | None = None) -> float:
    """Mean Sobel gradient magnitude (grey levels / px) over ``mask`` (OFIQ BackgroundUniformity raw).

    The image is smoothed with a 3×3 Gaussian first so that sensor noise does not
    count as texture. ``mask`` is a bool array of the same shape; ``None`` = all pixels.
    Raises ``ValueError`` if the mask selects nothing.
    """
    _check_gray(gray)
    smooth = cv2.GaussianBlur(gray, (3, 3), 0)
    gx = cv2.Sobel(smooth, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(smooth, cv2.CV_32F, 0, 1, ksize=3)
    magnitude = cv2.magnitude(gx, gy) / 8.0  # Sobel 3×3 gain is 8 for a unit step slope
    if mask is None:
        return float(magnitude.mean())
    if not mask.any():
        raise ValueError("la máscara de fondo está vacía")
    return float(magnitude[mask].mean())


def background_score(gradient: float, x0: float = 3.0, w: float = 0.8) -> float:
    """Background uniformity score ``100·(1 − σ(gradient; x0, w))``."""
    return 100.0 * (1.0 - sigmoid(gradient, x0, w))


def single_face_score(areas: list[float]) -> float:
    """OFIQ SingleFacePresent: ``100·(1 − area₂/area₁)``; 0 with no face, 100 with one."""
    if not areas:
        return 0.0
    if len(areas) == 1:
        return 100.0
    first, second = sorted(areas, reverse=True)[:2]
    return 100.0 * (1.0 - second / first)


def inter_eye_distance_score(ied_px: float) -> float:
    """OFIQ InterEyeDistance style score ``100·σ(ied; 70, 20)`` (ied in source px)."""
    return 100.0 * sigmoid(ied_px, 70.0, 20.0)


def pose_score(angle_deg: float, limit_deg: float = 8.0) -> float:
    """Score for a head angle (roll or yaw): 100 at 0°, 50 at ``limit_deg``, ~0 at twice the limit."""
    width = limit_deg / 5.0
    return min(100.0, 100.0 * (1.0 - sigmoid(abs(angle_deg), limit_deg, width)) / (1.0 - sigmoid(0.0, limit_deg, width)))
