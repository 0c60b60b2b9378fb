"""Camera driver (OpenCV, no Qt): list cameras, open them with the right back-end per
OS, deliver frames from a worker thread, and stand-in sources (video file, image,
image sequence) for the demo station and tests."""
from drivers.camera.listing import COMMON_RESOLUTIONS, CameraInfo, list_cameras
from drivers.camera.sources import (
    CameraError, FrameSource, ImageSource, OpenCVCameraSource, VideoFileSource, default_backends, demo_image_path,
    open_source,
)
from drivers.camera.worker import CameraStatus, CameraWorker, FrameInfo, frame_problem

__all__ = [
    "COMMON_RESOLUTIONS", "CameraError", "CameraInfo", "CameraStatus", "CameraWorker", "FrameInfo", "FrameSource",
    "ImageSource", "OpenCVCameraSource", "VideoFileSource", "default_backends", "demo_image_path", "frame_problem",
    "list_cameras", "open_source",
]
