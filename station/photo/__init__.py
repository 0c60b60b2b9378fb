"""Photo pipeline of the capture desk (no Qt): detection, OFIQ-style quality checks,
Spanish guidance, smoothing for the live view, token crop (480×640) and JPEG encoding.

Typical use::

    analysis = analyze(frame)               # frame: (H, W, 3) uint8 BGR
    if analysis.eyes is not None:
        jpeg = encode_jpeg(crop_token(frame, analysis.eyes))
"""
from station.photo.detectors import Detection, Face, FaceBox, FaceDetector, HaarDetector, get_detector, register_detector
from station.photo.encode import MAX_JPEG_BYTES, encode_jpeg
from station.photo.geometry import TOKEN_SIZE, EyePair, crop_coverage, crop_token, token_matrix
from station.photo.quality import CHECK_LABELS, CHECK_ORDER, Analysis, Check, PhotoConfig, analyze
from station.photo.smoothing import SmoothedVerdict, VerdictSmoother

__all__ = [
    "Analysis", "CHECK_LABELS", "CHECK_ORDER", "Check", "Detection", "EyePair", "Face", "FaceBox", "FaceDetector",
    "HaarDetector", "MAX_JPEG_BYTES", "PhotoConfig", "SmoothedVerdict", "TOKEN_SIZE", "VerdictSmoother", "analyze",
    "crop_coverage", "crop_token", "encode_jpeg", "get_detector", "register_detector", "token_matrix",
]
