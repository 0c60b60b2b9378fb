"""Server processes for the fault tests (see ``server_child.py``): start, wait, kill."""
from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).with_name("server_child.py")


class ServerProcess:
    """A server child on 127.0.0.1:``port`` for database ``url`` with the given fault options."""

    def __init__(self, url: str, port: int, *options: str):
        self.url, self.port, self.options = url, port, options
        self.base = f"http://127.0.0.1:{port}"
        self.proc: subprocess.Popen | None = None

    def start(self) -> "ServerProcess":
        self.proc = subprocess.Popen([sys.executable, str(CHILD), self.url, str(self.port), *self.options],
                                     cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"el servidor terminó al arrancar: {self.proc.stderr.read().decode()[-2000:]}")
            try:
                if requests.get(f"{self.base}/health", timeout=0.5).status_code == 200:
                    return self
            except requests.RequestException:
                time.sleep(0.05)
        self.kill()
        raise RuntimeError("el servidor no arrancó en 60 s")

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def wait_dead(self, timeout: float = 10) -> int:
        """Wait for the process to end; its return code (``-9`` after a SIGKILL)."""
        return self.proc.wait(timeout=timeout)

    def kill(self) -> None:
        if self.alive():
            self.proc.send_signal(signal.SIGKILL)
        if self.proc is not None:
            self.proc.wait()
