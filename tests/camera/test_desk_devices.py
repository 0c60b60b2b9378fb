"""One way to open a desk screen's devices (drivers.desk, issue 12 item 6): the configured pad
or the on-screen one with the reason, the configured camera or the first one, one frame for a
test button."""
from __future__ import annotations

import pytest

from drivers.camera import CameraError, ImageSource, OpenCVCameraSource
from drivers.desk import desk_camera, desk_pad, grab_frame
from drivers.signature import PadError


def test_configured_pad_is_built():
    pad, problem = desk_pad("virtual")
    assert problem is None and pad.kind == "virtual"


@pytest.mark.parametrize("name", [None, "", "  "])
def test_no_pad_configured_means_the_on_screen_pad(name):
    pad, problem = desk_pad(name)
    assert problem is None and pad.kind == "onscreen"


def test_unknown_pad_falls_back_to_the_on_screen_pad_with_the_spanish_reason():
    pad, problem = desk_pad("wacom")
    assert pad.kind == "onscreen"
    assert isinstance(problem, PadError) and "«wacom»" in problem.message and problem.code == "pad_error"


@pytest.mark.parametrize("spec", [None, "", " "])
def test_no_camera_configured_means_the_first_camera(spec):
    source = desk_camera(spec)
    assert isinstance(source, OpenCVCameraSource) and source.index == 0


def test_configured_camera_and_unknown_source():
    assert isinstance(desk_camera("demo"), ImageSource)
    with pytest.raises(CameraError) as err:
        desk_camera("notas.txt")
    assert "notas.txt" in err.value.message and err.value.code == "camera_error"


def test_grab_frame_reads_one_frame_and_closes():
    frame = grab_frame("demo", timeout_s=5.0)
    assert frame.ndim == 3 and frame.shape[2] == 3 and frame.shape[0] > 100
