"""Measures taken on the crop the operator will save, located by the face landmarks.

:func:`crop_view` renders the crop (token geometry at the operator's zoom/pan) at half size
(240×320) once, maps the landmarks into it, and gives:

* ``geometry`` — where crown, chin, eyes and head sides fall in the crop (ISO/IEC 19794-5);
* ``light_measures()`` — exposure, left/right balance and sharpness on the face only;
* ``background_texture()`` — texture of what is visible around the head.

The measures are built so that one cause does not show up as another:

* exposure is judged on the face pixels only (mean luminance and clipped shares, OFIQ);
* evenness is the ratio of the mean luminance of the darker face half to the brighter one —
  a global gain (a dark or bright photo) leaves it unchanged, so under-exposure never reads as
  uneven light; the eye distance comes from landmarks, so side light never reads as distance;
* background texture is the mean gradient of the blurred background divided by the
  background's own brightness — a dimmer photo of a plain wall stays plain.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import cv2
import numpy as np

from station.photo.geometry import TOKEN_SIZE, EyePair, crop_coverage, head_extent, map_points, token_matrix

#: Size of the rendered crop the pixel measures use (half the 480×640 token).
ANALYSIS_SIZE: tuple[int, int] = (240, 320)


@dataclass(frozen=True)
class CropGeometry:
    """Head and eyes in the saved crop; shares of the crop's height (``_margin``, ``head_length``,
    ``eye_line``) or width (``head_width``, ``eye_center``); ``ied_px`` in crop px (480 wide)."""

    crown_margin: float
    chin_margin: float
    head_length: float
    head_width: float
    ied_px: float
    eye_line: float
    eye_center: float


@dataclass(frozen=True)
class LightMeasures:
    """Face-only light measures: ``mean`` luminance 0–1, ``under``/``over`` clipped shares 0–1,
    ``balance`` darker/brighter half 0–1, ``overlap`` OFIQ histogram overlap 0–1, ``sharpness``
    normalised Laplacian variance (see :func:`station.photo.measures.sharpness`)."""

    mean: float
    under: float
    over: float
    balance: float
    overlap: float
    sharpness: float


class CropView:
    """One crop of one frame, rendered once; see the module docstring. Built by :func:`crop_view`."""

    def __init__(self, image: np.ndarray, eyes: EyePair, nose: tuple[float, float] | None,
                 zoom: float, offset: tuple[float, float]) -> None:
        self.zoom, self.offset = zoom, offset
        self._image, self._eyes, self._nose = image, eyes, nose
        self.matrix = token_matrix(eyes, TOKEN_SIZE, zoom, offset)
        self.coverage = crop_coverage(image.shape, self.matrix)
        #: height in source px of the crop (to tell «move back» from «move to the centre»)
        self.source_height = TOKEN_SIZE[1] * eyes.distance / (0.25 * TOKEN_SIZE[0] * zoom)

    @cached_property
    def geometry(self) -> CropGeometry:
        """Crown/chin margins, head size and eye position in the crop."""
        w, h = TOKEN_SIZE
        head = head_extent(self._eyes, self._nose)
        pts = map_points(self.matrix, np.array([head.crown, head.chin, self._eyes.left, self._eyes.right]))
        crown, chin, left, right = pts
        scale = float(np.hypot(self.matrix[0, 0], self.matrix[1, 0]))
        mid = (left + right) / 2
        return CropGeometry(
            crown_margin=float(crown[1]) / h,
            chin_margin=(h - float(chin[1])) / h,
            head_length=float(chin[1] - crown[1]) / h,
            head_width=2 * head.half_width * scale / w,
            ied_px=float(np.hypot(*(right - left))),
            eye_line=float(mid[1]) / h,
            eye_center=float(mid[0]) / w,
        )

    @cached_property
    def _rendered(self) -> tuple[np.ndarray, np.ndarray]:
        """(grey crop at ANALYSIS_SIZE, bool mask of pixels that come from inside the frame)."""
        k = ANALYSIS_SIZE[0] / TOKEN_SIZE[0]
        small = token_matrix(self._eyes, ANALYSIS_SIZE, self.zoom, (self.offset[0] * k, self.offset[1] * k))
        self._small_matrix = small
        flags = cv2.INTER_AREA if small[0, 0] ** 2 + small[1, 0] ** 2 < 1 else cv2.INTER_LINEAR
        # warp the colour frame to the small crop, then convert: 240×320 px instead of the whole frame
        colour = cv2.warpAffine(self._image, small, ANALYSIS_SIZE, flags=flags, borderMode=cv2.BORDER_CONSTANT,
                                borderValue=(0, 0, 0))
        gray = cv2.cvtColor(colour, cv2.COLOR_BGR2GRAY)
        # which crop pixels come from inside the frame: map them back through the inverse matrix
        inverse = cv2.invertAffineTransform(small)
        yy, xx = np.mgrid[0:ANALYSIS_SIZE[1], 0:ANALYSIS_SIZE[0]].astype(np.float32)
        sx = inverse[0, 0] * xx + inverse[0, 1] * yy + inverse[0, 2]
        sy = inverse[1, 0] * xx + inverse[1, 1] * yy + inverse[1, 2]
        h, w = self._image.shape[:2]
        valid = (sx >= 0) & (sx <= w - 1) & (sy >= 0) & (sy <= h - 1)
        return gray, valid

    def _face_frame(self) -> tuple[float, float, float, float]:
        """(eye-midpoint x, eye-line y, IED, nose x) in the rendered crop's px."""
        self._rendered  # noqa: B018 (sets _small_matrix)
        left, right = map_points(self._small_matrix, np.array([self._eyes.left, self._eyes.right]))
        mid = (left + right) / 2
        ied = float(np.hypot(*(right - left)))
        nose_x = float(map_points(self._small_matrix, np.array([self._nose]))[0][0]) if self._nose else float(mid[0])
        return float(mid[0]), float(mid[1]), ied, nose_x

    def light_measures(self) -> LightMeasures:
        """Exposure, balance and sharpness on the face region (eyebrows to mouth, cheek to cheek)."""
        from station.photo import measures as m

        gray, valid = self._rendered
        cx, ey, ied, nose_x = self._face_frame()
        hgt, wid = gray.shape
        y0, y1 = int(max(0, ey - 0.4 * ied)), int(min(hgt, ey + 1.3 * ied))
        x0, x1 = int(max(0, cx - 0.8 * ied)), int(min(wid, cx + 0.8 * ied))
        split = int(min(max(nose_x, x0 + 1), x1 - 1))
        if y1 - y0 < 4 or x1 - x0 < 4:
            return LightMeasures(0.0, 1.0, 0.0, 0.0, 0.0, 0.0)
        face, face_ok = gray[y0:y1, x0:x1], valid[y0:y1, x0:x1]
        pixels = face[face_ok]
        if pixels.size == 0:
            return LightMeasures(0.0, 1.0, 0.0, 0.0, 0.0, 0.0)
        mean = float(pixels.mean()) / 255.0
        under = float(np.count_nonzero(pixels <= 25)) / pixels.size
        over = float(np.count_nonzero(pixels >= 247)) / pixels.size
        # halves: from just under the eyebrows to the mouth, away from the nose ridge
        r0, r1 = int(max(0, ey - 0.15 * ied)), int(min(hgt, ey + 1.1 * ied))
        gap = max(1, int(0.12 * ied))
        lhalf = gray[r0:r1, x0:max(x0 + 1, split - gap)][valid[r0:r1, x0:max(x0 + 1, split - gap)]]
        rhalf = gray[r0:r1, min(x1 - 1, split + gap):x1][valid[r0:r1, min(x1 - 1, split + gap):x1]]
        if lhalf.size and rhalf.size:
            ml, mr = float(lhalf.mean()), float(rhalf.mean())
            balance = min(ml, mr) / max(ml, mr, 1e-6)
            overlap = m.illumination_overlap(lhalf.reshape(1, -1), rhalf.reshape(1, -1))
        else:
            balance, overlap = 0.0, 0.0
        sharp = m.sharpness(np.ascontiguousarray(face))
        return LightMeasures(mean, under, over, balance, overlap, sharp)

    def background_texture(self) -> float | None:
        """Mean gradient magnitude of the (σ = 1 px blurred) background around the head, per
        100 grey levels of the background's mean brightness; ``None`` if under 200 px of
        background are visible in the crop. 0 = a perfectly plain wall."""
        from station.photo import measures as m

        gray, valid = self._rendered
        cx, ey, ied, _ = self._face_frame()
        head = head_extent(self._eyes, self._nose)
        crown, chin = map_points(self._small_matrix, np.array([head.crown, head.chin]))
        hgt, wid = gray.shape
        yy, xx = np.mgrid[0:hgt, 0:wid]
        cy = (crown[1] + chin[1]) / 2
        ay = max(1.0, (chin[1] - crown[1]) / 2 * 1.15)
        ax = max(1.0, 1.75 * ied)  # hair reaches ~1.6 IED from the axis
        outside = ((xx - cx) / ax) ** 2 + ((yy - cy) / ay) ** 2 > 1.0
        # only beside and above the head: below the chin are the shoulders and clothes
        mask = valid & outside & (yy < ey + 0.6 * ied)
        # keep away from the frame's edge inside the crop (the fill colour would count as an edge)
        mask &= cv2.erode(valid.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
        if np.count_nonzero(mask) < 200:
            return None
        blurred = cv2.GaussianBlur(gray, (0, 0), 1.0)
        gradient = m.background_gradient(blurred, mask)
        brightness = float(gray[mask].mean())
        return 100.0 * gradient / max(brightness, 25.0)


def crop_view(image: np.ndarray, eyes: EyePair, nose: tuple[float, float] | None = None,
              zoom: float = 1.0, offset: tuple[float, float] = (0.0, 0.0)) -> CropView:
    """The crop of ``image`` ((H, W, 3) uint8 BGR) that :func:`station.photo.geometry.crop_token`
    would save for these eyes, ``zoom`` and ``offset`` (token px), ready to be measured."""
    return CropView(image, eyes, nose, zoom, offset)
