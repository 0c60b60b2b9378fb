"""Photo-quality verdict: detection → measures → checks → accepted / guidance.

Rules (DESIGN.md §6): exactly one face, eyes found, inter-eye distance ≥ 90 px in
the source (ICAO / ISO/IEC 19794-5 best practice), the token crop inside the frame,
roll ≤ 8° (ISO/IEC 19794-5 §7.2.2 pose), exposure and even lighting, sharpness and a
uniform background. Measures and 0–100 scores follow OFIQ (ISO/IEC 29794-5); see
:mod:`station.photo.measures`. Guidance messages are in Spanish (es-MX).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np

from station.photo import measures as m
from station.photo.detectors import Detection, Face, FaceDetector, get_detector
from station.photo.geometry import TOKEN_SIZE, EyePair, crop_coverage, crop_token, token_matrix

#: Check names in priority order: the first failing one is the guidance shown first.
CHECK_ORDER: tuple[str, ...] = (
    "single_face",
    "inter_eye_distance",
    "centered",
    "eyes_found",
    "roll",
    "exposure",
    "illumination",
    "sharpness",
    "background",
)

#: Short Spanish label of each check (traffic-light legend in the capture widget).
CHECK_LABELS: dict[str, str] = {
    "single_face": "Una persona",
    "inter_eye_distance": "Distancia",
    "centered": "Encuadre",
    "eyes_found": "Ojos visibles",
    "roll": "Cabeza derecha",
    "exposure": "Luz",
    "illumination": "Luz pareja",
    "sharpness": "Nitidez",
    "background": "Fondo liso",
}

MSG_OK = "Correcto"
MSG_NOT_EVALUATED = "No evaluado: no hay un rostro"
MSG_NO_FACE = "No se detecta un rostro: colóquese frente a la cámara"
MSG_MANY_FACES = "Sólo una persona en la toma"
MSG_CLOSER = "Acérquese a la cámara"
MSG_FARTHER = "Aléjese un poco de la cámara"
MSG_CENTER = "Colóquese al centro de la imagen"
MSG_EYES = "Mire de frente a la cámara con los ojos abiertos (sin lentes oscuros)"
MSG_ROLL = "Mire de frente y enderece la cabeza"
MSG_ROLL_UNKNOWN = "No evaluado: no se encontraron los ojos"
MSG_DARK = "Luz insuficiente"
MSG_BRIGHT = "Demasiada luz: evite la luz directa"
MSG_UNEVEN = "Luz dispareja en el rostro: ilumine de frente"
MSG_BLUR = "Imagen borrosa: no se mueva y enfoque la cámara"
MSG_BACKGROUND = "Fondo no uniforme: use un fondo liso y claro"
MSG_ACCEPTED = "Foto correcta"


@dataclass(frozen=True)
class PhotoConfig:
    """Thresholds of the verdict. Defaults follow DESIGN.md §6 and OFIQ; units as named.

    ``detector`` selects the face detector by name (see ``detectors.register_detector``).
    """

    detector: str = "haar"
    min_ied_px: float = 90.0  # ICAO best practice, minimum 90 px between eye centres
    max_roll_deg: float = 8.0  # ISO/IEC 19794-5 frontal pose, roll ±8°
    min_coverage: float = 0.98  # share of the token crop that must lie inside the frame
    max_under_exposed: float = 0.10  # OFIQ UnderExposurePrevention: share of face px in 0–25
    max_over_exposed: float = 0.10  # OFIQ OverExposurePrevention: share of face px in 247–255
    min_luminance_score: float = 50.0  # OFIQ LuminanceMean score
    min_illumination_score: float = 80.0  # OFIQ IlluminationUniformity score (100·overlap^0.3)
    sharpness_x0: float = 0.5  # normalised Laplacian variance at the 50-point score (aligned face)
    min_sharpness_score: float = 50.0
    background_x0: float = 1.6  # mean Sobel magnitude at the 50-point score
    min_background_score: float = 50.0


@dataclass(frozen=True)
class Check:
    """One quality check: ``score`` 0–100 (OFIQ style), ``value`` the raw measure (unit per check)."""

    name: str
    ok: bool
    score: float
    value: float | None
    message: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict with keys name, ok, score, value, message."""
        return {
            "name": self.name,
            "ok": bool(self.ok),
            "score": round(float(self.score), 1),
            "value": None if self.value is None else round(float(self.value), 4),
            "message": self.message,
        }


@dataclass(frozen=True)
class Analysis:
    """Result of :func:`analyze` on one frame.

    ``eyes`` are the eye centres used for the crop (source px) — estimated from the
    face box when ``eyes_estimated`` is true; ``None`` when there is no face.
    """

    frame_shape: tuple[int, int]
    face_count: int
    checks: tuple[Check, ...]
    face: Face | None = None
    eyes: EyePair | None = None
    eyes_estimated: bool = False
    detection: Detection = field(default_factory=Detection)

    @property
    def accepted(self) -> bool:
        """True when every check passes."""
        return all(c.ok for c in self.checks)

    @property
    def failed(self) -> list[str]:
        """Names of failing checks in priority order."""
        return [c.name for c in self.checks if not c.ok]

    @property
    def message(self) -> str:
        """Main guidance: the message of the first failing check, or «Foto correcta»."""
        for c in self.checks:
            if not c.ok:
                return c.message
        return MSG_ACCEPTED

    def check(self, name: str) -> Check:
        """The check called ``name``; raises ``KeyError`` if unknown."""
        for c in self.checks:
            if c.name == name:
                return c
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary: accepted, face_count, message, failed, checks (list of dicts), eyes."""
        out: dict[str, Any] = {
            "accepted": self.accepted,
            "face_count": self.face_count,
            "message": self.message,
            "failed": self.failed,
            "checks": [c.to_dict() for c in self.checks],
        }
        if self.eyes is not None:
            out["eyes"] = {
                "left": [round(v, 1) for v in self.eyes.left],
                "right": [round(v, 1) for v in self.eyes.right],
                "estimated": self.eyes_estimated,
            }
        return out


def estimate_eyes(face: Face) -> EyePair:
    """Eye centres guessed from a face box (27 % / 73 % of the width, 37 % of the height)."""
    b = face.box
    return EyePair((b.x + 0.27 * b.w, b.y + 0.37 * b.h), (b.x + 0.73 * b.w, b.y + 0.37 * b.h))


_ANALYSIS_SIZE = (240, 320)  # aligned face for the pixel measures: IED = 60 px


def _regions(size: tuple[int, int]) -> tuple[slice, slice, slice, np.ndarray]:
    """Face rows, left/right face columns and the background mask in an aligned token of ``size``."""
    w, h = size
    ied = 0.25 * w
    cx, ey = 0.5 * w, 0.6 * w
    rows = slice(int(ey - 0.45 * ied), int(ey + 1.5 * ied))
    left = slice(int(cx - 0.85 * ied), int(cx))
    right = slice(int(cx), int(cx + 0.85 * ied))
    mask = np.zeros((h, w), dtype=bool)
    side = max(2, int(0.07 * w))
    mask[: int(ey), :side] = True
    mask[: int(ey), w - side :] = True
    mask[: int(0.12 * h), :] = True
    return rows, left, right, mask


def _fail_all(frame_shape: tuple[int, int], detection: Detection, first: Check) -> Analysis:
    rest = tuple(Check(n, False, 0.0, None, MSG_NOT_EVALUATED) for n in CHECK_ORDER[1:])
    return Analysis(frame_shape, detection.count, (first,) + rest, detection=detection)


def validate_frame(image: object) -> np.ndarray:
    """Return ``image`` if it is an (H, W, 3) uint8 BGR array, else raise ``ValueError`` (Spanish message)."""
    if not isinstance(image, np.ndarray) or image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
        raise ValueError("La imagen no es válida: se esperaba una foto a color (BGR de 8 bits).")
    if image.shape[0] < 32 or image.shape[1] < 32:
        raise ValueError("La imagen es demasiado pequeña.")
    return image


def analyze(image: np.ndarray, config: PhotoConfig | None = None, detector: FaceDetector | None = None) -> Analysis:
    """Run the full photo check on one (H, W, 3) uint8 BGR frame.

    Returns an :class:`Analysis` whose checks are in :data:`CHECK_ORDER`. Raises
    ``ValueError`` (Spanish message) for an array that is not a colour uint8 image.
    Safe to call from a worker thread.
    """
    config = config or PhotoConfig()
    image = validate_frame(image)
    detector = detector or get_detector(config.detector)
    detection = detector.detect(image)
    frame_shape = (int(image.shape[0]), int(image.shape[1]))
    areas = [f.box.area for f in detection.faces]
    sf_score = m.single_face_score(areas)
    if detection.count == 0:
        return _fail_all(frame_shape, detection, Check("single_face", False, 0.0, 0, MSG_NO_FACE))
    single = Check(
        "single_face", detection.count == 1, sf_score, detection.count, MSG_OK if detection.count == 1 else MSG_MANY_FACES
    )
    face = detection.faces[0]
    eyes, estimated = (face.eyes, False) if face.eyes is not None else (estimate_eyes(face), True)
    checks = [single]

    ied = eyes.distance
    checks.append(
        Check("inter_eye_distance", ied >= config.min_ied_px, m.inter_eye_distance_score(ied), ied,
              MSG_OK if ied >= config.min_ied_px else MSG_CLOSER)
    )

    full = token_matrix(eyes)
    coverage = crop_coverage(image.shape, full)
    crop_h_src = TOKEN_SIZE[1] * ied / (0.25 * TOKEN_SIZE[0])
    centered_ok = coverage >= config.min_coverage
    centered_msg = MSG_OK if centered_ok else (MSG_FARTHER if crop_h_src > image.shape[0] else MSG_CENTER)
    checks.append(Check("centered", centered_ok, 100.0 * coverage, coverage, centered_msg))

    checks.append(Check("eyes_found", not estimated, 0.0 if estimated else 100.0, 0 if estimated else 2,
                        MSG_EYES if estimated else MSG_OK))

    roll = eyes.roll_deg
    if estimated:
        checks.append(Check("roll", False, 0.0, None, MSG_ROLL_UNKNOWN))
    else:
        roll_ok = abs(roll) <= config.max_roll_deg
        checks.append(Check("roll", roll_ok, m.roll_score(roll), roll, MSG_OK if roll_ok else MSG_ROLL))

    aligned = crop_token(image, eyes, _ANALYSIS_SIZE)
    valid = cv2.warpAffine(
        np.full(image.shape[:2], 255, np.uint8), token_matrix(eyes, _ANALYSIS_SIZE), _ANALYSIS_SIZE,
        flags=cv2.INTER_NEAREST, borderValue=0,
    ) > 0
    gray = cv2.cvtColor(aligned, cv2.COLOR_BGR2GRAY)
    rows, left, right, bg_mask = _regions(_ANALYSIS_SIZE)
    face_gray = np.ascontiguousarray(gray[rows, left.start : right.stop])

    mean = m.luminance_mean(face_gray)
    under, over = m.under_exposure(face_gray), m.over_exposure(face_gray)
    lum_score = m.luminance_mean_score(mean)
    exp_score = min(lum_score, m.exposure_share_score(under), m.exposure_share_score(over))
    too_dark = under > config.max_under_exposed or (lum_score < config.min_luminance_score and mean < 0.5)
    too_bright = over > config.max_over_exposed or (lum_score < config.min_luminance_score and mean >= 0.5)
    exp_msg = MSG_DARK if too_dark else MSG_BRIGHT if too_bright else MSG_OK
    checks.append(Check("exposure", not (too_dark or too_bright), exp_score, mean, exp_msg))

    overlap = m.illumination_overlap(np.ascontiguousarray(gray[rows, left]), np.ascontiguousarray(gray[rows, right]))
    ill_score = m.illumination_score(overlap)
    ill_ok = ill_score >= config.min_illumination_score
    checks.append(Check("illumination", ill_ok, ill_score, overlap, MSG_OK if ill_ok else MSG_UNEVEN))

    sharp = m.sharpness(face_gray)
    sharp_score = m.sharpness_score(sharp, config.sharpness_x0)
    sharp_ok = sharp_score >= config.min_sharpness_score
    checks.append(Check("sharpness", sharp_ok, sharp_score, sharp, MSG_OK if sharp_ok else MSG_BLUR))

    mask = bg_mask & valid
    if mask.sum() < 50:  # the background lies outside the frame: judge what there is
        mask = valid & ~np.pad(np.ones((rows.stop - rows.start, right.stop - left.start), bool),
                               ((rows.start, _ANALYSIS_SIZE[1] - rows.stop), (left.start, _ANALYSIS_SIZE[0] - right.stop)))
    grad = m.background_gradient(gray, mask) if mask.any() else 0.0
    bg_score = m.background_score(grad, config.background_x0, 0.25)
    bg_ok = bg_score >= config.min_background_score
    checks.append(Check("background", bg_ok, bg_score, grad, MSG_OK if bg_ok else MSG_BACKGROUND))

    return Analysis(frame_shape, detection.count, tuple(checks), face, eyes, estimated, detection)
