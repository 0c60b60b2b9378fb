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


# --------------------------------------------------------------------------- head pose and extent
#: Depth of the nose base in front of the eye centres as a share of the inter-eye distance
#: (generic 3D head model of head-pose estimation: eye corners at depth ~4.2, nose base ~6.5, eye centres 7.1 apart). Under a yaw θ the
#: nose base moves sideways from the eye midpoint by ``NOSE_DEPTH_IED · IED · tan θ`` in
#: the image (orthographic model; the observed IED shrinks with cos θ too).
NOSE_DEPTH_IED = 0.32
#: Eye line → chin (menton) as a multiple of the eye line → nose-base distance (~110 mm vs ~45 mm).
CHIN_PER_NOSE = 2.45
#: Eye line → nose base as a share of the IED when no nose point is known (Haar fallback).
NOSE_BELOW_EYES_IED = 0.72
#: Eye line → crown (vertex, hair included) as a share of the IED (~125 mm for 63 mm).
CROWN_ABOVE_EYES_IED = 2.0
#: Eye midpoint → side of the head as a share of the IED (head breadth ~150 mm).
HEAD_HALF_WIDTH_IED = 1.2


def yaw_deg(eyes: EyePair, nose: tuple[float, float]) -> float:
    """Yaw (left–right turn of the head) in degrees from two eye centres and the nose base.

    The nose base's offset from the eye midpoint *along the eye line* (so roll does not
    count), divided by the IED, is ``NOSE_DEPTH_IED · tan(yaw)``. Positive = the nose moved
    towards the image right. Frontal pose per ISO/IEC 19794-5 §7.2.2: |yaw| ≤ 8°.
    Raises ``ValueError`` when the eyes coincide.
    """
    ied = eyes.distance
    if ied < 1e-6:
        raise ValueError("the two eye centres coincide")
    ux, uy = (eyes.right[0] - eyes.left[0]) / ied, (eyes.right[1] - eyes.left[1]) / ied
    mx, my = eyes.midpoint
    along = (nose[0] - mx) * ux + (nose[1] - my) * uy
    return math.degrees(math.atan2(along / ied, NOSE_DEPTH_IED))


@dataclass(frozen=True)
class HeadExtent:
    """Where the head is, estimated from the landmarks, in the coordinates of the points given.

    ``crown`` and ``chin`` are points on the face's vertical axis (top of the head, bottom of
    the chin); ``half_width`` is the distance from that axis to each side of the head (px).
    """

    crown: tuple[float, float]
    chin: tuple[float, float]
    half_width: float


def head_extent(eyes: EyePair, nose: tuple[float, float] | None = None) -> HeadExtent:
    """Estimate crown, chin and head width from the eye centres and (if known) the nose base.

    The face's "down" direction is perpendicular to the eye line. The eye→chin distance is
    :data:`CHIN_PER_NOSE` × the eye→nose-base distance along it (so a long or short face, or a
    nod, moves the chin with the nose); without a nose point it is taken as
    ``NOSE_BELOW_EYES_IED · IED``. Crown: :data:`CROWN_ABOVE_EYES_IED` · IED above the eye line.
    Anthropometric averages, so allow a margin (the checks do). Raises ``ValueError`` when the
    eyes coincide.
    """
    ied = eyes.distance
    if ied < 1e-6:
        raise ValueError("the two eye centres coincide")
    ux, uy = (eyes.right[0] - eyes.left[0]) / ied, (eyes.right[1] - eyes.left[1]) / ied
    dx, dy = -uy, ux  # down the face (y grows downwards in images)
    mx, my = eyes.midpoint
    below = NOSE_BELOW_EYES_IED * ied
    if nose is not None:
        measured = (nose[0] - mx) * dx + (nose[1] - my) * dy
        if measured > 0.3 * ied:  # a nose point above or on the eye line is not a nose
            below = measured
    chin_d, crown_d = CHIN_PER_NOSE * below, CROWN_ABOVE_EYES_IED * ied
    return HeadExtent((mx - dx * crown_d, my - dy * crown_d), (mx + dx * chin_d, my + dy * chin_d),
                      HEAD_HALF_WIDTH_IED * ied)
