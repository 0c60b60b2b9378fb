"""Photo-quality verdict: detection → landmarks → the crop that will be saved → checks.

Every check after detection is judged on the crop the operator will save (480×640 token at the
operator's zoom and pan, :mod:`station.photo.geometry`), not on the camera frame: the head must
be inside it, the eyes where ISO/IEC 19794-5 puts them, and exposure, lighting, sharpness and
background are measured inside it. :func:`analyze` detects and judges one frame;
:func:`evaluate_crop` re-judges the same frame for a new zoom/pan without detecting again
(cheap: call it from the UI on every zoom or drag).

Each check carries its measures (value, threshold, comparison, unit) so that ``photo-check
--json`` can show why it passed or failed. Measures are chosen so that causes are not
confused (see :mod:`station.photo.crop_measures`), and :data:`CHECK_ORDER` is the order in
which the operator should fix things: the main guidance names the first failing check.
Guidance messages are Spanish (es-MX).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from station.photo import measures as m
from station.photo.crop_measures import CropView, crop_view
from station.photo.detectors import DEFAULT_DETECTOR, Detection, Face, FaceDetector, get_detector
from station.photo.geometry import EyePair, yaw_deg

#: Check names in the order the operator should fix them — the first failing one is the
#: guidance shown: who is in front of the camera and how near; then the exposure, because a
#: face that is too dark or washed out also moves the landmarks that pose and framing rely
#: on (a washed-out face reads as turned); then how the head is held, how the crop is framed,
#: the evenness of the light, sharpness, and the background last.
CHECK_ORDER: tuple[str, ...] = (
    "single_face",
    "inter_eye_distance",
    "eyes_found",
    "exposure",
    "yaw",
    "roll",
    "centered",
    "head_in_crop",
    "illumination",
    "sharpness",
    "background",
)

#: Short Spanish label of each check (traffic-light legend in the capture widget).
CHECK_LABELS: dict[str, str] = {
    "single_face": "Una persona",
    "inter_eye_distance": "Distancia",
    "eyes_found": "Ojos visibles",
    "yaw": "Mirada al frente",
    "roll": "Cabeza derecha",
    "centered": "Encuadre",
    "head_in_crop": "Cabeza completa",
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
MSG_YAW = "Mire de frente: la cabeza está girada hacia un lado"
MSG_ROLL = "Mire de frente y enderece la cabeza"
MSG_POSE_UNKNOWN = "No evaluado: no se encontraron los ojos"
MSG_CROWN_CUT = "El recorte corta la parte de arriba de la cabeza: reduzca el zoom o arrastre la foto hacia abajo"
MSG_CHIN_CUT = "El recorte corta la barbilla: reduzca el zoom o arrastre la foto hacia arriba"
MSG_SIDES_CUT = "El recorte corta los lados de la cabeza: reduzca el zoom"
MSG_HEAD_SMALL = "La cara queda pequeña en el recorte: aumente el zoom"
MSG_EYES_OFF = "Los ojos no quedan a la altura ni al centro del recorte: arrastre la foto"
MSG_DARK = "Luz insuficiente"
MSG_BRIGHT = "Demasiada luz: evite la luz directa"
MSG_UNEVEN = "Luz dispareja en el rostro: ilumine de frente"
MSG_BLUR = "Imagen borrosa: no se mueva y enfoque la cámara"
MSG_BACKGROUND = "Fondo no uniforme: use un fondo liso y claro"
MSG_ACCEPTED = "Foto correcta"


@dataclass(frozen=True)
class PhotoConfig:
    """Thresholds of the verdict. Defaults follow DESIGN.md §6, ISO/IEC 19794-5 and OFIQ.

    ``detector`` selects the face detector by name (see ``detectors.register_detector``).
    Distances are px, angles degrees, shares 0–1 of the crop height/width unless named.
    """

    detector: str = DEFAULT_DETECTOR
    min_ied_px: float = 90.0  # ICAO best practice: ≥ 90 px between eye centres, in the source and in the crop
    max_yaw_deg: float = 8.0  # ISO/IEC 19794-5 frontal pose, yaw ±8° (as the issue fixes it)
    max_roll_deg: float = 8.0  # ISO/IEC 19794-5 frontal pose, roll ±8°
    min_coverage: float = 0.98  # share of the crop that must lie inside the camera frame
    min_crown_margin: float = 0.02  # crown → top edge, share of the crop height (head not cut)
    min_chin_margin: float = 0.04  # chin → bottom edge, share of the crop height
    max_head_length: float = 0.90  # crown-to-chin ≤ 90 % of the crop height (ISO/IEC 19794-5 head length 60–90 %)
    max_head_width: float = 0.75  # head width ≤ 75 % of the crop width (ISO/IEC 19794-5 head width 50–75 %)
    eye_line_band: tuple[float, float] = (0.30, 0.50)  # eye line from the top, share of height (ISO: 50–70 % from the bottom)
    eye_center_band: tuple[float, float] = (0.45, 0.55)  # eye midpoint x, share of width (ISO horizontal centring)
    max_under_exposed: float = 0.10  # OFIQ UnderExposurePrevention: share of face px in 0–25
    max_over_exposed: float = 0.10  # OFIQ OverExposurePrevention: share of face px in 247–255
    luminance_band: tuple[float, float] = (0.25, 0.80)  # mean face luminance 0–1 (OFIQ LuminanceMean 50-point knees ±0.05)
    min_light_balance: float = 0.70  # darker / brighter face half, mean luminance (gain-invariant)
    sharpness_x0: float = 0.5  # normalised Laplacian variance at the 50-point score (aligned face)
    min_sharpness_score: float = 50.0
    max_background_texture: float = 0.5  # background gradient per 100 grey levels of background (see crop_measures)


@dataclass(frozen=True)
class Measure:
    """One number behind a check: ``value`` compared with ``threshold`` by ``op`` ("≥" or "≤").

    ``value`` is ``None`` when it could not be measured (then ``ok`` is False). ``unit`` names
    the unit ("px", "°", "fracción", …).
    """

    name: str
    value: float | None
    op: str
    threshold: float
    unit: str

    @property
    def ok(self) -> bool:
        """True when the value meets the threshold."""
        if self.value is None:
            return False
        return self.value >= self.threshold if self.op == "≥" else self.value <= self.threshold

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: name, value, op, threshold, unit, ok."""
        return {"name": self.name, "value": None if self.value is None else round(float(self.value), 4),
                "op": self.op, "threshold": round(float(self.threshold), 4), "unit": self.unit, "ok": self.ok}


@dataclass(frozen=True)
class Check:
    """One quality check: ``score`` 0–100 (OFIQ style), ``value`` its main measure, ``measures`` all of them."""

    name: str
    ok: bool
    score: float
    value: float | None
    message: str
    measures: tuple[Measure, ...] = ()

    @property
    def threshold(self) -> float | None:
        """Threshold of the main (first) measure, or ``None`` if the check has none."""
        return self.measures[0].threshold if self.measures else None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict: name, ok, score, value, threshold, message, measures (list of dicts)."""
        return {
            "name": self.name,
            "ok": bool(self.ok),
            "score": round(float(self.score), 1),
            "value": None if self.value is None else round(float(self.value), 4),
            "threshold": None if self.threshold is None else round(float(self.threshold), 4),
            "message": self.message,
            "measures": [x.to_dict() for x in self.measures],
        }


@dataclass(frozen=True)
class Analysis:
    """Result of :func:`analyze` on one frame for one crop (``zoom``, ``offset`` in token px).

    ``eyes`` are the eye centres used for the crop (source px) — estimated from the face box
    when ``eyes_estimated`` is true; ``None`` when there is no face. ``detector`` names the
    detector that ran.
    """

    frame_shape: tuple[int, int]
    face_count: int
    checks: tuple[Check, ...]
    face: Face | None = None
    eyes: EyePair | None = None
    eyes_estimated: bool = False
    detection: Detection = field(default_factory=Detection)
    zoom: float = 1.0
    offset: tuple[float, float] = (0.0, 0.0)
    config: PhotoConfig = field(default_factory=PhotoConfig)

    @property
    def detector(self) -> str:
        """Name of the detector used."""
        return self.detection.detector

    @property
    def accepted(self) -> bool:
        """True when every check passes."""
        return all(c.ok for c in self.checks)

    @property
    def failed(self) -> list[str]:
        """Names of failing checks in :data:`CHECK_ORDER` (fix-first order)."""
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
        """JSON-ready summary: accepted, detector, face_count, message, fix_first, failed,
        crop (zoom, offset), checks (list of dicts), eyes, nose."""
        out: dict[str, Any] = {
            "accepted": self.accepted,
            "detector": self.detector,
            "face_count": self.face_count,
            "message": self.message,
            "fix_first": self.failed[0] if self.failed else None,
            "failed": self.failed,
            "crop": {"zoom": round(self.zoom, 3), "offset": [round(v, 1) for v in self.offset]},
            "checks": [c.to_dict() for c in self.checks],
        }
        if self.eyes is not None:
            out["eyes"] = {
                "left": [round(v, 1) for v in self.eyes.left],
                "right": [round(v, 1) for v in self.eyes.right],
                "estimated": self.eyes_estimated,
            }
        if self.face is not None and self.face.nose is not None:
            out["nose"] = [round(v, 1) for v in self.face.nose]
        return out


def estimate_eyes(face: Face) -> EyePair:
    """Eye centres guessed from a face box (27 % / 73 % of the width, 37 % of the height)."""
    b = face.box
    return EyePair((b.x + 0.27 * b.w, b.y + 0.37 * b.h), (b.x + 0.73 * b.w, b.y + 0.37 * b.h))


def validate_frame(image: object) -> np.ndarray:
    """Return ``image`` if it is an (H, W, 3) uint8 BGR array, else raise ``ValueError`` (Spanish message)."""
    if not isinstance(image, np.ndarray) or image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
        raise ValueError("La imagen no es válida: se esperaba una foto a color (BGR de 8 bits).")
    if image.shape[0] < 32 or image.shape[1] < 32:
        raise ValueError("La imagen es demasiado pequeña.")
    return image


def _not_evaluated(name: str, message: str = MSG_NOT_EVALUATED) -> Check:
    return Check(name, False, 0.0, None, message)


def analyze(image: np.ndarray, config: PhotoConfig | None = None, detector: FaceDetector | None = None,
            zoom: float = 1.0, offset: tuple[float, float] = (0.0, 0.0)) -> Analysis:
    """Run the full photo check on one (H, W, 3) uint8 BGR frame, for the crop at ``zoom`` /
    ``offset`` (token px, as the capture widget's slider and drag set them).

    Returns an :class:`Analysis` whose checks are in :data:`CHECK_ORDER`. Raises
    ``ValueError`` (Spanish message) for an array that is not a colour uint8 image or a
    ``zoom`` ≤ 0. Safe to call from a worker thread.
    """
    config = config or PhotoConfig()
    image = validate_frame(image)
    detector = detector or get_detector(config.detector)
    detection = detector.detect(image)
    if not detection.detector:
        detection = replace(detection, detector=getattr(detector, "name", type(detector).__name__))
    frame_shape = (int(image.shape[0]), int(image.shape[1]))
    if detection.count == 0:
        first = Check("single_face", False, 0.0, 0, MSG_NO_FACE,
                      (Measure("faces", 0, "≥", 1, "rostros"),))
        rest = tuple(_not_evaluated(n) for n in CHECK_ORDER[1:])
        return Analysis(frame_shape, 0, (first,) + rest, detection=detection, zoom=zoom, offset=offset, config=config)
    face = detection.faces[0]
    eyes, estimated = (face.eyes, False) if face.eyes is not None else (estimate_eyes(face), True)
    base = Analysis(frame_shape, detection.count, (), face, eyes, estimated, detection, zoom, offset, config)
    return evaluate_crop(image, base, zoom, offset)


def evaluate_crop(image: np.ndarray, analysis: Analysis, zoom: float = 1.0,
                  offset: tuple[float, float] = (0.0, 0.0)) -> Analysis:
    """Judge ``image`` again for a new crop (``zoom`` > 0, ``offset`` in token px) reusing the
    faces ``analysis`` found on it — no detection, a few milliseconds. For the capture widget:
    call it when the zoom slider or a drag changes the crop, and show the new lights.

    ``image`` must be the frame ``analysis`` was made on. Without a face the analysis is
    returned unchanged (nothing to judge). Raises ``ValueError`` for a bad frame or zoom ≤ 0.
    """
    image = validate_frame(image)
    if zoom <= 0:
        raise ValueError("El zoom debe ser mayor que cero.")
    if analysis.eyes is None:
        return replace(analysis, zoom=zoom, offset=tuple(offset))
    config, face, eyes, estimated = analysis.config, analysis.face, analysis.eyes, analysis.eyes_estimated
    count = analysis.face_count
    view = crop_view(image, eyes, face.nose if face is not None else None, zoom, tuple(offset))
    exposure, illumination, sharpness, background = _light_and_background(view, config)
    by_name = {c.name: c for c in (
        _single_face(analysis.detection),
        _distance(eyes, config),
        Check("eyes_found", not estimated, 0.0 if estimated else 100.0, 0 if estimated else 2,
              MSG_EYES if estimated else MSG_OK, (Measure("eyes", 0 if estimated else 2, "≥", 2, "ojos"),)),
        exposure,
        _yaw(eyes, face, estimated, config),
        _roll(eyes, estimated, config),
        _centered(view, image.shape, config),
        _head_in_crop(view, config),
        illumination, sharpness, background,
    )}
    return Analysis(analysis.frame_shape, count, tuple(by_name[n] for n in CHECK_ORDER), face, eyes, estimated,
                    analysis.detection, zoom, tuple(offset), config)


# ------------------------------------------------------------------------------ single checks
def _single_face(detection: Detection) -> Check:
    n = detection.count
    score = m.single_face_score([f.box.area for f in detection.faces])
    return Check("single_face", n == 1, score, n, MSG_OK if n == 1 else MSG_MANY_FACES,
                 (Measure("faces", n, "≤", 1, "rostros"),))


def _distance(eyes: EyePair, config: PhotoConfig) -> Check:
    ied = eyes.distance
    ok = ied >= config.min_ied_px
    return Check("inter_eye_distance", ok, m.inter_eye_distance_score(ied), ied, MSG_OK if ok else MSG_CLOSER,
                 (Measure("ied_source_px", ied, "≥", config.min_ied_px, "px"),))


def _yaw(eyes: EyePair, face: Face | None, estimated: bool, config: PhotoConfig) -> Check:
    if estimated:
        return _not_evaluated("yaw", MSG_POSE_UNKNOWN)
    if face is None or face.nose is None:
        # the Haar fallback finds no nose: yaw cannot be judged; say so without blocking the photo
        return Check("yaw", True, 0.0, None, "No evaluado: el detector no da la nariz",
                     (Measure("abs_yaw_deg", None, "≤", config.max_yaw_deg, "°"),))
    yaw = yaw_deg(eyes, face.nose)
    ok = abs(yaw) <= config.max_yaw_deg
    return Check("yaw", ok, m.pose_score(yaw, config.max_yaw_deg), yaw, MSG_OK if ok else MSG_YAW,
                 (Measure("abs_yaw_deg", abs(yaw), "≤", config.max_yaw_deg, "°"),))


def _roll(eyes: EyePair, estimated: bool, config: PhotoConfig) -> Check:
    if estimated:
        return _not_evaluated("roll", MSG_POSE_UNKNOWN)
    roll = eyes.roll_deg
    ok = abs(roll) <= config.max_roll_deg
    return Check("roll", ok, m.pose_score(roll, config.max_roll_deg), roll, MSG_OK if ok else MSG_ROLL,
                 (Measure("abs_roll_deg", abs(roll), "≤", config.max_roll_deg, "°"),))


def _centered(view: CropView, frame_shape: tuple[int, ...], config: PhotoConfig) -> Check:
    coverage = view.coverage
    ok = coverage >= config.min_coverage
    msg = MSG_OK if ok else (MSG_FARTHER if view.source_height > frame_shape[0] else MSG_CENTER)
    return Check("centered", ok, 100.0 * coverage, coverage, msg,
                 (Measure("crop_inside_frame", coverage, "≥", config.min_coverage, "fracción"),))


def _head_in_crop(view: CropView, config: PhotoConfig) -> Check:
    """Crown and chin inside the crop with margins, head size and eye position (ISO/IEC 19794-5)."""
    g = view.geometry
    lo, hi = config.eye_line_band
    clo, chi = config.eye_center_band
    measures = (
        Measure("crown_margin", g.crown_margin, "≥", config.min_crown_margin, "fracción del alto"),
        Measure("chin_margin", g.chin_margin, "≥", config.min_chin_margin, "fracción del alto"),
        Measure("head_width", g.head_width, "≤", config.max_head_width, "fracción del ancho"),
        Measure("head_length", g.head_length, "≤", config.max_head_length, "fracción del alto"),
        Measure("ied_crop_px", g.ied_px, "≥", config.min_ied_px, "px"),
        Measure("eye_line_from_top", g.eye_line, "≥", lo, "fracción del alto"),
        Measure("eye_line_from_top_max", g.eye_line, "≤", hi, "fracción del alto"),
        Measure("eye_center_x", g.eye_center, "≥", clo, "fracción del ancho"),
        Measure("eye_center_x_max", g.eye_center, "≤", chi, "fracción del ancho"),
    )
    failing = [x.name for x in measures if not x.ok]
    if not failing:
        msg = MSG_OK
    elif "crown_margin" in failing or (failing[0] == "head_length" and g.crown_margin < g.chin_margin):
        msg = MSG_CROWN_CUT
    elif "chin_margin" in failing or failing[0] == "head_length":
        msg = MSG_CHIN_CUT
    elif "head_width" in failing:
        msg = MSG_SIDES_CUT
    elif "ied_crop_px" in failing:
        msg = MSG_HEAD_SMALL
    else:
        msg = MSG_EYES_OFF
    score = 100.0 * sum(x.ok for x in measures) / len(measures)
    return Check("head_in_crop", not failing, score, min(g.crown_margin, g.chin_margin), msg, measures)


def _light_and_background(view: CropView, config: PhotoConfig) -> list[Check]:
    lm = view.light_measures()
    lo, hi = config.luminance_band
    exposure = (
        Measure("under_exposed_share", lm.under, "≤", config.max_under_exposed, "fracción"),
        Measure("over_exposed_share", lm.over, "≤", config.max_over_exposed, "fracción"),
        Measure("face_luminance", lm.mean, "≥", lo, "0–1"),
        Measure("face_luminance_max", lm.mean, "≤", hi, "0–1"),
    )
    too_dark = not exposure[0].ok or not exposure[2].ok
    too_bright = not exposure[1].ok or not exposure[3].ok
    exp_score = min(m.luminance_mean_score(lm.mean), m.exposure_share_score(lm.under), m.exposure_share_score(lm.over))
    checks = [Check("exposure", not (too_dark or too_bright), exp_score, lm.mean,
                    MSG_DARK if too_dark else MSG_BRIGHT if too_bright else MSG_OK, exposure)]

    balance = Measure("light_balance", lm.balance, "≥", config.min_light_balance, "oscura/clara")
    overlap = Measure("histogram_overlap_ofiq", lm.overlap, "≥", 0.0, "0–1")  # reported, not judged
    checks.append(Check("illumination", balance.ok, 100.0 * lm.balance, lm.balance,
                        MSG_OK if balance.ok else MSG_UNEVEN, (balance, overlap)))

    sharp_score = m.sharpness_score(lm.sharpness, config.sharpness_x0)
    sharp = Measure("sharpness_score", sharp_score, "≥", config.min_sharpness_score, "0–100")
    checks.append(Check("sharpness", sharp.ok, sharp_score, lm.sharpness, MSG_OK if sharp.ok else MSG_BLUR,
                        (sharp, Measure("laplacian_var_ratio", lm.sharpness, "≥", 0.0, "sin unidad"))))

    texture = view.background_texture()
    bg = Measure("background_texture", texture, "≤", config.max_background_texture, "por 100 niveles")
    bg_ok = texture is None or bg.ok  # no background visible in the crop: nothing to object to
    checks.append(Check("background", bg_ok, m.background_score(texture or 0.0, config.max_background_texture, 0.8),
                        texture, MSG_OK if bg_ok else MSG_BACKGROUND, (bg,)))
    return checks
