"""Photo pipeline of the capture desk (no Qt): face detection with landmarks, checks judged on
the crop that will be saved (OFIQ-style measures, ISO/IEC 19794-5 geometry), Spanish guidance
naming what to fix first, smoothing for the live view, token crop (480×640) and JPEG encoding.

Typical use::

    analysis = analyze(frame)                                   # frame: (H, W, 3) uint8 BGR
    analysis = evaluate_crop(frame, analysis, zoom=1.2, offset=(0, 15))  # operator zoomed/dragged
    if analysis.eyes is not None:
        jpeg = encode_jpeg(crop_token(frame, analysis.eyes, zoom=1.2, offset=(0, 15)))
"""
from station.photo.detectors import (
    DEFAULT_DETECTOR, Detection, Face, FaceBox, FaceDetector, available_detectors, get_detector, register_detector,
)
from station.photo.encode import MAX_JPEG_BYTES, encode_jpeg
from station.photo.geometry import TOKEN_SIZE, EyePair, crop_coverage, crop_token, head_extent, token_matrix, yaw_deg
from station.photo.quality import (
    CHECK_LABELS, CHECK_ORDER, Analysis, Check, Measure, PhotoConfig, analyze, evaluate_crop,
)
from station.photo.smoothing import SmoothedVerdict, VerdictSmoother

__all__ = [
    "Analysis", "CHECK_LABELS", "CHECK_ORDER", "Check", "DEFAULT_DETECTOR", "Detection", "EyePair", "Face", "FaceBox",
    "FaceDetector", "MAX_JPEG_BYTES", "Measure", "PhotoConfig", "SmoothedVerdict", "TOKEN_SIZE", "VerdictSmoother",
    "analyze", "available_detectors", "crop_coverage", "crop_token", "encode_jpeg", "evaluate_crop", "get_detector",
    "head_extent", "register_detector", "token_matrix", "yaw_deg",
]
