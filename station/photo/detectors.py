"""Face detectors behind one interface, chosen by name.

Two detectors ship, both with their models inside a wheel (nothing is downloaded):

* ``"dlib"`` (default) — dlib's HOG + linear-SVM frontal face detector with the 5-point
  landmark model (eye corners and nose base): :class:`station.photo.landmarks.DlibDetector`.
* ``"haar"`` — OpenCV's Viola–Jones cascades (``opencv-python-headless`` < 5), kept as the
  fallback when dlib cannot be imported: :class:`station.photo.haar.HaarDetector`.

The choice was made by measurement on the labelled set in ``tests/photo`` (precision, recall,
eye-point error, time per frame): see ``docs/photo-detectors.md``. Another model can be
added with :func:`register_detector` and chosen through ``PhotoConfig.detector``.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Callable, Protocol

import cv2
import numpy as np

from station.photo.geometry import EyePair

#: Name of the detector used when the configuration names none.
DEFAULT_DETECTOR = "dlib"


@dataclass(frozen=True)
class FaceBox:
    """Axis-aligned face box in source pixels: top-left ``(x, y)``, size ``w`` × ``h``."""

    x: float
    y: float
    w: float
    h: float

    @property
    def area(self) -> float:
        """Box area in px²."""
        return self.w * self.h

    @property
    def center(self) -> tuple[float, float]:
        """Centre of the box, px."""
        return (self.x + self.w / 2.0, self.y + self.h / 2.0)


@dataclass(frozen=True)
class Face:
    """One detected face in source pixels.

    ``eyes``: the two eye centres when the detector located them (``None`` otherwise);
    ``nose``: the base of the nose (landmark detectors only) — with the eyes it gives the yaw;
    ``landmarks``: every landmark point the model returned, ``((x, y), …)``, for drawing.
    """

    box: FaceBox
    eyes: EyePair | None = None
    nose: tuple[float, float] | None = None
    landmarks: tuple[tuple[float, float], ...] = ()


@dataclass(frozen=True)
class Detection:
    """All faces found in one frame, largest first, and the name of the detector that found them."""

    faces: tuple[Face, ...] = field(default_factory=tuple)
    detector: str = ""

    @property
    def count(self) -> int:
        """Number of faces."""
        return len(self.faces)


class FaceDetector(Protocol):
    """Finds faces (and, where it can, eyes and nose) in a frame.

    ``detect(image)`` takes an (H, W, 3) uint8 BGR array (or (H, W) uint8 grey) and
    returns a :class:`Detection` in the image's pixel coordinates, largest face first.
    It must be safe to call from several threads. Raises ``ValueError`` on an array
    of the wrong shape or dtype.
    """

    name: str

    def detect(self, image: np.ndarray) -> Detection: ...


def as_gray(image: np.ndarray) -> np.ndarray:
    """(H, W) uint8 grey view/copy of a grey, BGR or BGRA uint8 image; ``ValueError`` otherwise."""
    if not isinstance(image, np.ndarray) or image.dtype != np.uint8 or image.size == 0:
        raise ValueError("se esperaba una imagen uint8 no vacía")
    if image.ndim == 2:
        return image
    if image.ndim == 3 and image.shape[2] == 3:
        return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    if image.ndim == 3 and image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2GRAY)
    raise ValueError(f"forma de imagen no válida: {image.shape}")


def _dlib_factory() -> FaceDetector:
    from station.photo.landmarks import DlibDetector

    return DlibDetector()


def _haar_factory() -> FaceDetector:
    from station.photo.haar import HaarDetector

    return HaarDetector()


_REGISTRY: dict[str, Callable[[], FaceDetector]] = {"dlib": _dlib_factory, "haar": _haar_factory}
_INSTANCES: dict[str, FaceDetector] = {}
_INSTANCES_LOCK = threading.Lock()


def register_detector(name: str, factory: Callable[[], FaceDetector]) -> None:
    """Make a detector selectable by ``name`` (``factory()`` builds it on first use)."""
    _REGISTRY[name] = factory


def available_detectors() -> list[str]:
    """Names accepted by :func:`get_detector`."""
    return sorted(_REGISTRY)


def get_detector(name: str = DEFAULT_DETECTOR) -> FaceDetector:
    """A shared detector instance by name.

    Raises ``KeyError`` (Spanish message) for an unknown name. When the default ``"dlib"``
    cannot be loaded (its wheel missing from a broken install) the Haar fallback is returned
    instead, so a desk keeps judging photos; its ``name`` says which one runs.
    """
    with _INSTANCES_LOCK:
        if name not in _INSTANCES:
            if name not in _REGISTRY:
                raise KeyError(f"Detector de rostros desconocido: «{name}». Disponibles: {', '.join(available_detectors())}")
            try:
                _INSTANCES[name] = _REGISTRY[name]()
            except ImportError:
                if name != "dlib":
                    raise
                _INSTANCES[name] = _haar_factory()
        return _INSTANCES[name]
