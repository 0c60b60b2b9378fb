"""A file keyring for the frozen self-check on machines without an OS keyring (this Linux CI box).

Test-only: it lives in ``tests/packaging`` and is never part of the product.
The frozen application finds it through keyring's own configuration
(``$XDG_CONFIG_HOME/python_keyring/keyringrc.cfg`` with ``keyring-path`` and
``default-keyring``; see :func:`write_keyringrc`), because a PyInstaller
executable ignores ``PYTHONPATH``. Secrets are stored in plain JSON next to
the configuration — acceptable for a throw-away test home only.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend


class JsonFileKeyring(KeyringBackend):
    """Secrets in ``$FROZEN_TEST_KEYRING_FILE`` (JSON ``{service: {user: secret}}``)."""

    priority = 1  # type: ignore[assignment]

    @property
    def path(self) -> Path:
        """The JSON file (from ``FROZEN_TEST_KEYRING_FILE``)."""
        return Path(os.environ["FROZEN_TEST_KEYRING_FILE"])

    def _load(self) -> dict:
        return json.loads(self.path.read_text(encoding="utf-8")) if self.path.exists() else {}

    def get_password(self, service: str, username: str) -> str | None:
        """The secret or ``None``."""
        return self._load().get(service, {}).get(username)

    def set_password(self, service: str, username: str, password: str) -> None:
        """Store the secret (whole-file rewrite)."""
        data = self._load()
        data.setdefault(service, {})[username] = password
        self.path.write_text(json.dumps(data), encoding="utf-8")

    def delete_password(self, service: str, username: str) -> None:
        """Remove the secret if present."""
        data = self._load()
        data.get(service, {}).pop(username, None)
        self.path.write_text(json.dumps(data), encoding="utf-8")


def write_keyringrc(xdg_config_home: Path) -> Path:
    """Write ``keyringrc.cfg`` selecting :class:`JsonFileKeyring`; returns its path."""
    folder = Path(xdg_config_home) / "python_keyring"
    folder.mkdir(parents=True, exist_ok=True)
    rc = folder / "keyringrc.cfg"
    rc.write_text("[backend]\ndefault-keyring = frozen_keyring.JsonFileKeyring\n"
                  f"keyring-path = {Path(__file__).resolve().parent}\n", encoding="utf-8")
    return rc
