"""OpenCV Haar-cascade face and eye detector (Viola–Jones) — the fallback detector.

Measured on the labelled set (``docs/photo-detectors.md``) it finds fewer faces, places the
eyes less precisely and costs more per frame than the dlib landmark detector; it stays as the
fallback for an install where dlib cannot be imported, since its cascades come inside the
``opencv-python-headless`` < 5 wheel the station needs anyway.
"""
from __future__ import annotations

import os
import threading

import cv2
import numpy as np

from station.photo.detectors import Detection, Face, FaceBox, as_gray
from station.photo.geometry import EyePair


class HaarDetector:
    """Viola–Jones detector using the cascades bundled with OpenCV 4.x.

    Faces: ``haarcascade_frontalface_alt2.xml`` on a copy scaled so its longest side
    is ``analysis_side`` px (default 640), contrast-stretched; when no face is found the
frame is retried rotated by each of ``retry_angles`` degrees (tilted heads). Eyes:
    ``haarcascade_eye.xml`` (then ``haarcascade_eye_tree_eyeglasses.xml``) on the upper
    part of each face, normalised to a 160 px wide face. ``min_face_fraction`` is the
    smallest face width as a share of the analysed width. Raises ``RuntimeError`` if the
    cascade files are missing (OpenCV ≥ 5 dropped them; pin ``opencv-python-headless<5``).
    """

    name = "haar"
    _lock = threading.Lock()
    _cache: dict[str, cv2.CascadeClassifier] = {}

    def __init__(
        self, analysis_side: int = 640, min_face_fraction: float = 0.07, retry_angles: tuple[float, ...] = (-18.0, 18.0)
    ) -> None:
        self.analysis_side = analysis_side
        self.retry_angles = retry_angles
        self.min_face_fraction = min_face_fraction
        self._face = self._load("haarcascade_frontalface_alt2.xml")
        self._eye = self._load("haarcascade_eye.xml")
        self._eye_glasses = self._load("haarcascade_eye_tree_eyeglasses.xml")

    @classmethod
    def _load(cls, filename: str) -> cv2.CascadeClassifier:
        with cls._lock:
            if filename not in cls._cache:
                path = os.path.join(getattr(cv2, "data", None).haarcascades if hasattr(cv2, "data") else "", filename)
                classifier = cv2.CascadeClassifier(path) if os.path.exists(path) else None
                if classifier is None or classifier.empty():
                    raise RuntimeError(
                        f"No se encontró el clasificador {filename} de OpenCV; instale opencv-python-headless<5."
                    )
                cls._cache[filename] = classifier
            return cls._cache[filename]

    def detect(self, image: np.ndarray) -> Detection:
        """See :class:`FaceDetector`."""
        gray = as_gray(image)
        h, w = gray.shape
        factor = min(1.0, self.analysis_side / max(h, w))
        small = cv2.resize(gray, (round(w * factor), round(h * factor)), interpolation=cv2.INTER_AREA) if factor < 1 else gray
        # stretch contrast (helps dim frames) without equalising, which amplifies sensor noise
        small = cv2.normalize(small, None, 0, 255, cv2.NORM_MINMAX)
        faces = self._detect_upright(gray, small, factor)
        for angle in self.retry_angles if not faces else ():
            faces = self._detect_rotated(gray, small, factor, angle)
            if faces:
                break
        faces.sort(key=lambda f: f.box.area, reverse=True)
        return Detection(tuple(faces), self.name)

    def _find_boxes(self, small: np.ndarray) -> np.ndarray:
        min_side = max(24, int(self.min_face_fraction * small.shape[1]))
        boxes = self._face.detectMultiScale(small, scaleFactor=1.1, minNeighbors=4, minSize=(min_side, min_side))
        return boxes if len(boxes) else np.empty((0, 4), np.int32)

    def _detect_upright(self, gray: np.ndarray, small: np.ndarray, factor: float) -> list[Face]:
        faces = []
        for bx, by, bw, bh in self._find_boxes(small):
            box = FaceBox(bx / factor, by / factor, bw / factor, bh / factor)
            faces.append(Face(box, self._eyes(gray, box)))
        return faces

    def _detect_rotated(self, gray: np.ndarray, small: np.ndarray, factor: float, angle: float) -> list[Face]:
        """Detect on a copy rotated by ``angle`` degrees (tilted heads) and map results back."""
        h, w = gray.shape
        centre = (w / 2.0, h / 2.0)
        rot = cv2.getRotationMatrix2D(centre, angle, 1.0)
        rot_small = cv2.getRotationMatrix2D((centre[0] * factor, centre[1] * factor), angle, 1.0)
        boxes = self._find_boxes(cv2.warpAffine(small, rot_small, (small.shape[1], small.shape[0]), borderMode=cv2.BORDER_REPLICATE))
        if not len(boxes):
            return []
        rotated = cv2.warpAffine(gray, rot, (w, h), borderMode=cv2.BORDER_REPLICATE)
        back = cv2.invertAffineTransform(rot)
        faces = []
        for bx, by, bw, bh in boxes:
            rbox = FaceBox(bx / factor, by / factor, bw / factor, bh / factor)
            cx, cy = back @ np.array([*rbox.center, 1.0])
            box = FaceBox(cx - rbox.w / 2, cy - rbox.h / 2, rbox.w, rbox.h)
            eyes = self._eyes(rotated, rbox)
            if eyes is not None:
                (lx, ly), (rx, ry) = (back @ np.array([*eyes.left, 1.0]), back @ np.array([*eyes.right, 1.0]))
                eyes = EyePair((float(lx), float(ly)), (float(rx), float(ry)))
            faces.append(Face(box, eyes))
        return faces

    def _eyes(self, gray: np.ndarray, box: FaceBox) -> EyePair | None:
        x0, y0 = max(0, int(box.x)), max(0, int(box.y))
        x1, y1 = min(gray.shape[1], int(box.x + box.w)), min(gray.shape[0], int(box.y + box.h * 0.62))
        if x1 - x0 < 20 or y1 - y0 < 12:
            return None
        roi = gray[y0:y1, x0:x1]
        norm = 160.0 / roi.shape[1]
        roi = cv2.resize(roi, (160, max(1, round(roi.shape[0] * norm))), interpolation=cv2.INTER_AREA if norm < 1 else cv2.INTER_LINEAR)
        roi = cv2.equalizeHist(roi)
        for cascade in (self._eye, self._eye_glasses):
            found = cascade.detectMultiScale(roi, scaleFactor=1.08, minNeighbors=4, minSize=(18, 18), maxSize=(70, 70))
            pair = self._best_pair(found, roi.shape[1])
            if pair is not None:
                (lx, ly), (rx, ry) = pair
                return EyePair((x0 + lx / norm, y0 + ly / norm), (x0 + rx / norm, y0 + ry / norm))
        return None

    @staticmethod
    def _best_pair(found: np.ndarray, width: int) -> tuple[tuple[float, float], tuple[float, float]] | None:
        centres = [(x + w / 2.0, y + h / 2.0, w) for x, y, w, h in (found if len(found) else [])]
        left = [c for c in centres if c[0] < width * 0.5]
        right = [c for c in centres if c[0] >= width * 0.5]
        best, best_cost = None, float("inf")
        for lc in left:
            for rc in right:
                dx, dy = rc[0] - lc[0], rc[1] - lc[1]
                if not (0.25 * width <= dx <= 0.75 * width) or abs(dy) > 0.6 * dx:
                    continue
                # prefer similar sizes, a level line and a pair centred in the face
                cost = abs(lc[2] - rc[2]) / max(lc[2], rc[2]) + abs(dy) / dx + abs((lc[0] + rc[0]) / 2 - width / 2) / width
                if cost < best_cost:
                    best, best_cost = ((lc[0], lc[1]), (rc[0], rc[1])), cost
        return best


