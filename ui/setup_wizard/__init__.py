"""First-run setup wizard of the station (issue 9; manual §3–4 done by the installer).

Pages, in order:

1. **Servidor** — server URL and «Probar conexión» (``GET /health`` off the GUI
   thread); a failure shows the real cause in Spanish (DNS, TLS, refused,
   timeout, HTTP status) from :class:`station.api.ServerApiError`.
2. **Registro de la estación** — station id + an administrator's user and
   password: login, the station's Ed25519 key from the OS keyring
   (:func:`station.secrets.get_or_create_signing_key`, created on first use),
   ``POST /stations`` with its public half, ``GET /campuses``, logout. The
   admin's password is never stored; the secret key never leaves the keyring.
   On a re-run an already registered station may keep its registration.
3. **Plantel** — the planteles this desk serves (from ``GET /campuses``).
4. **Cámara** — the cameras found (:func:`drivers.camera.list_cameras`, off
   the GUI thread) or the demo photo, with a live preview.
5. **Pad de firma** — Topaz USB, SigWeb, on-screen or virtual, with a test
   signature in :class:`ui.widgets.signature_pad.SignaturePanel`.
6. **Resumen** — what will be saved; «Guardar» writes ``config.toml`` with
   :func:`station.config.save_config`.

Call :func:`run_setup_wizard` on first start (:func:`needs_setup`) and from
Ajustes. Every network, keyring and device call runs on a worker thread and
reports back through a queued Qt signal, so the window never freezes.
"""
from __future__ import annotations

from station.registration import STATION_ID_RE, needs_setup, normalize_url, suggested_station_id
from ui.setup_wizard.base import WizardState
from ui.setup_wizard.wizard import SetupWizard, run_setup_wizard

__all__ = ["STATION_ID_RE", "SetupWizard", "WizardState", "needs_setup", "normalize_url", "run_setup_wizard",
           "suggested_station_id"]
