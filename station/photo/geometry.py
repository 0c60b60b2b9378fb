"""Token-image geometry (ISO/IEC 19794-5 full-frontal "token" image) and the crop.

The token image is 3:4 (W × H). The eye midpoint sits at (0.5·W, 0.6·W) from the
top-left corner and the inter-eye distance (IED) is 0.25·W — for the product's
480×640 output that is an eye midpoint at (240, 288) px and an IED of 120 px
(ICAO best practice; ISO/IEC 19794-5 §8.4, research note face-quality.md).

All coordinates are in pixels, ``(x, y)`` with the origin at the top-left corner.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

#: Output size of the credential photo (width, height) in px.
TOKEN_SIZE: tuple[int, int] = (480, 640)
#: Eye-midpoint position as a fraction of the token width (x, y from the top).
EYE_MID_FRACTION: tuple[float, float] = (0.5, 0.6)
#: Inter-eye distance as a fraction of the token width.
IED_FRACTION: float = 0.25


@dataclass(frozen=True)
class EyePair:
    """Centres of the two eyes in image pixels.

    ``left`` is the eye on the left side of the *image* (the subject's right eye).
    """

    left: tuple[float, float]
    right: tuple[float, float]

    @property
    def midpoint(self) -> tuple[float, float]:
        """Midpoint between the eye centres, px."""
        return ((self.left[0] + self.right[0]) / 2.0, (self.left[1] + self.right[1]) / 2.0)

    @property
    def distance(self) -> float:
        """Inter-eye distance (IED), px."""
        return math.hypot(self.right[0] - self.left[0], self.right[1] - self.left[1])

    @property
    def roll_deg(self) -> float:
        """In-plane rotation of the eye line in degrees; positive = clockwise in the image."""
        return math.degrees(math.atan2(self.right[1] - self.left[1], self.right[0] - self.left[0]))

    def scaled(self, factor: float) -> "EyePair":
        """The same eyes with coordinates multiplied by ``factor``."""
        return EyePair((self.left[0] * factor, self.left[1] * factor), (self.right[0] * factor, self.right[1] * factor))


def token_matrix(
    eyes: EyePair,
    size: tuple[int, int] = TOKEN_SIZE,
    zoom: float = 1.0,
    offset: tuple[float, float] = (0.0, 0.0),
) -> np.ndarray:
    """Affine 2×3 matrix (float64) mapping source pixels to token pixels.

    The source is rotated by the eye-line roll, scaled so that the IED becomes
    ``IED_FRACTION·W·zoom`` and shifted so that the eye midpoint lands on
    ``EYE_MID_FRACTION·W + offset``. ``zoom`` > 1 enlarges the face (manual §8
    step 4, zoom slider); ``offset`` (dx, dy) in token px moves the face inside
    the frame (drag). Raises ``ValueError`` when the eyes coincide or ``zoom`` ≤ 0.
    """
    if zoom <= 0:
        raise ValueError("zoom must be > 0")
    ied = eyes.distance
    if ied < 1e-6:
        raise ValueError("the two eye centres coincide")
    width = size[0]
    scale = IED_FRACTION * width * zoom / ied
    angle = math.radians(eyes.roll_deg)
    cos, sin = math.cos(-angle) * scale, math.sin(-angle) * scale
    mx, my = eyes.midpoint
    tx = EYE_MID_FRACTION[0] * width + offset[0]
    ty = EYE_MID_FRACTION[1] * width + offset[1]
    # rotate(-roll)·scale about the eye midpoint, then translate to the target
    return np.array(
        [[cos, -sin, tx - (cos * mx - sin * my)], [sin, cos, ty - (sin * mx + cos * my)]], dtype=np.float64
    )


def crop_token(
    image: np.ndarray,
    eyes: EyePair,
    size: tuple[int, int] = TOKEN_SIZE,
    zoom: float = 1.0,
    offset: tuple[float, float] = (0.0, 0.0),
    border_value: tuple[int, int, int] = (235, 235, 235),
) -> np.ndarray:
    """Crop, de-rotate and scale ``image`` ((H, W, 3) uint8 BGR) to the token geometry.

    Returns a ``(size[1], size[0], 3)`` uint8 BGR array. Areas outside the source are
    filled with ``border_value`` (light grey); check :func:`crop_coverage` first.
    """
    matrix = token_matrix(eyes, size, zoom, offset)
    return cv2.warpAffine(
        image, matrix, size, flags=cv2.INTER_AREA if matrix[0, 0] ** 2 + matrix[1, 0] ** 2 < 1 else cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT, borderValue=border_value,
    )


def crop_corners(matrix: np.ndarray, size: tuple[int, int] = TOKEN_SIZE) -> np.ndarray:
    """The four token-frame corners mapped back into source pixels, shape (4, 2) float64.

    Order: top-left, top-right, bottom-right, bottom-left (for drawing the crop frame).
    """
    inverse = cv2.invertAffineTransform(matrix)
    w, h = size
    corners = np.array([[0, 0, 1], [w, 0, 1], [w, h, 1], [0, h, 1]], dtype=np.float64)
    return corners @ inverse.T


def crop_coverage(frame_shape: tuple[int, ...], matrix: np.ndarray, size: tuple[int, int] = TOKEN_SIZE) -> float:
    """Share (0–1) of the token frame that falls inside a source of ``frame_shape`` (H, W, …)."""
    h, w = frame_shape[:2]
    corners = crop_corners(matrix, size).astype(np.float32)
    frame = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
    inter, _ = cv2.intersectConvexConvex(corners, frame)
    area = abs(cv2.contourArea(corners))
    return min(1.0, float(inter / area)) if area > 0 else 0.0


def map_points(matrix: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Apply a 2×3 affine ``matrix`` to ``points`` of shape (N, 2); returns (N, 2) float64."""
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    return pts @ matrix[:, :2].T + matrix[:, 2]
