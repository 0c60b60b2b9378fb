"""Issue 14 §1: the demo's temporary folder (students' data) is removed on SIGTERM too."""
from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

CHILD = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {root!r})
    from app.demo import DemoEnvironment
    demo = DemoEnvironment()
    (demo.folder / "estacion").mkdir()
    (demo.folder / "estacion" / "datos.txt").write_text("CURP de un menor")
    print(demo.folder, flush=True)
    time.sleep(60)
""")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, None])
def test_demo_folder_removed_on_any_exit(sig):
    root = str(Path(__file__).resolve().parents[1])
    code = CHILD if sig is not None else CHILD.replace("time.sleep(60)", "")
    child = subprocess.Popen([sys.executable, "-c", code.format(root=root)], stdout=subprocess.PIPE, text=True)
    folder = Path(child.stdout.readline().strip())
    assert folder.name.startswith("credencializacion-demo-")
    if sig is not None:
        assert folder.exists()
        child.send_signal(sig)
    assert child.wait(timeout=30) in (0, 128 + (sig or 0))
    assert not folder.exists()
