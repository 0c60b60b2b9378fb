"""``credencializacion devices [--json]``: the cameras and signature pads this
station can see, and their state (installer diagnostics).

Every probe runs in a daemon thread joined with a timeout (``--timeout``,
seconds), so the command never hangs on a stuck driver or service. With
``--json`` it prints one object::

    {"cameras": [CameraInfo.to_dict(), ...],
     "pads": [{"kind": "topaz"|"sigweb"|"onscreen"|"virtual", "state": "connected"|
               "absent"|"no_tablet"|"available"|"error"|"timeout", "message": "<es-MX>", ...}, ...],
     "errors": [{"part": "cameras", "message": "<es-MX>"}]}

No Qt is imported.
"""
from __future__ import annotations

import json
import sys
import threading
from typing import Any, Callable


def _bounded(fn: Callable[[], Any], timeout_s: float) -> tuple[bool, Any, BaseException | None]:
    """Run ``fn`` in a daemon thread for at most ``timeout_s``: ``(finished, result, error)``."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["result"] = fn()
        except BaseException as exc:  # reported, never raised
            box["error"] = exc

    t = threading.Thread(target=run, name="devices-probe", daemon=True)
    t.start()
    t.join(timeout_s)
    if t.is_alive():
        return False, None, None
    return True, box.get("result"), box.get("error")


# ----------------------------------------------------------------- cameras
def probe_cameras(timeout_s: float) -> tuple[list[dict[str, Any]], str]:
    """``(cameras, error_message)`` from ``drivers.camera.list_cameras()``."""

    def run() -> list[dict[str, Any]]:
        from drivers.camera import list_cameras

        return [c.to_dict() for c in list_cameras()]

    done, result, error = _bounded(run, timeout_s)
    if not done:
        return [], f"La búsqueda de cámaras no terminó en {timeout_s:g} s."
    if error is not None:
        if isinstance(error, ImportError):
            return [], f"No se pudo cargar el módulo de cámaras: {error}."
        return [], f"Error al buscar cámaras: {error}."
    return list(result or []), ""


# -------------------------------------------------------------------- pads
def _probe_topaz_usb(usb_backend: Any | None = None, kind: str = "topaz") -> list[dict[str, Any]]:
    from drivers.signature.topaz import PyUsbTransport, find_usb_backend
    from drivers.signature.topaz_protocol import DEFAULT_PRODUCT_IDS, TOPAZ_VENDOR_ID

    if usb_backend is None:
        backend, label = find_usb_backend()
    else:
        backend, label = usb_backend, "pyusb/virtual"
    devices = PyUsbTransport.find(TOPAZ_VENDOR_ID, DEFAULT_PRODUCT_IDS, backend)
    if not devices:
        return [{
            "kind": kind, "state": "absent", "transport": label,
            "message": "No se encontró ningún pad Topaz USB (VID 0x06A8, PID 0x0043).",
        }]
    out = []
    for dev in devices:
        entry: dict[str, Any] = {
            "kind": kind, "state": "connected", "transport": label,
            "vendor_id": f"0x{dev.idVendor:04x}", "product_id": f"0x{dev.idProduct:04x}",
            "bus": dev.bus, "address": dev.address,
        }
        try:
            entry["name"] = dev.product or ""
            entry["serial"] = dev.serial_number or ""
            entry["message"] = "Pad Topaz conectado."
        except Exception:  # strings need the device opened: permissions
            entry["message"] = (
                "Pad Topaz conectado, pero no se pudo leer su nombre (¿permisos USB? En Linux instale la regla udev)."
            )
        out.append(entry)
    return out


def _probe_sigweb(base_url: str, timeout_s: float) -> dict[str, Any]:
    from drivers.signature.sigweb import SigWebClient, SigWebError, SigWebNotInstalled, SigWebSettings, MSG_NO_TABLET

    client = SigWebClient(SigWebSettings(base_url=base_url, timeout_s=timeout_s))
    entry: dict[str, Any] = {"kind": "sigweb", "url": client.base_url}
    try:
        info = client.service_info()
    except SigWebNotInstalled as exc:
        return {**entry, "state": "absent", "message": exc.message}
    except SigWebError as exc:
        return {**entry, "state": "error", "message": exc.message}
    entry.update(info.to_dict())
    if info.tablet_connected:
        entry.update(state="connected", message=" ".join(filter(None, ["SigWeb en servicio con pad conectado.", info.warning])))
    else:
        entry.update(state="no_tablet", message=" ".join(filter(None, [MSG_NO_TABLET, info.warning])))
    return entry


def probe_pads(
    timeout_s: float,
    sigweb_url: str | None = None,
    virtual: bool = False,
) -> list[dict[str, Any]]:
    """All pad probes, each bounded by ``timeout_s``; errors become entries."""
    from drivers.signature.sigweb import DEFAULT_BASE_URL

    pads: list[dict[str, Any]] = []

    def add(kind: str, fn: Callable[[], Any]) -> None:
        done, result, error = _bounded(fn, timeout_s)
        if not done:
            pads.append({"kind": kind, "state": "timeout", "message": f"Sin respuesta en {timeout_s:g} s."})
        elif error is not None:
            message = getattr(error, "message", None) or f"Error al revisar el pad: {error}."
            pads.append({"kind": kind, "state": "error", "message": message})
        elif isinstance(result, list):
            pads.extend(result)
        else:
            pads.append(result)

    add("topaz", _probe_topaz_usb)
    add("sigweb", lambda: _probe_sigweb(sigweb_url or DEFAULT_BASE_URL, max(0.2, timeout_s * 0.8)))
    if virtual:
        def _virtual() -> list[dict[str, Any]]:
            from drivers.signature.virtual import VirtualUsbBackend

            return _probe_topaz_usb(VirtualUsbBackend(), kind="virtual")

        add("virtual", _virtual)
    pads.append({
        "kind": "onscreen", "state": "available",
        "message": "Pad en pantalla disponible (mouse, táctil o lápiz).",
    })
    return pads


# --------------------------------------------------------------------- CLI
_STATE_ES = {
    "connected": "conectado", "absent": "no encontrado", "no_tablet": "sin pad", "available": "disponible",
    "error": "error", "timeout": "sin respuesta",
}
_KIND_ES = {"topaz": "Topaz USB", "sigweb": "SigWeb", "onscreen": "En pantalla", "virtual": "Topaz virtual"}


def collect(timeout_s: float = 3.0, sigweb_url: str | None = None, virtual: bool = False) -> dict[str, Any]:
    """The report as a dict: ``{"cameras": [...], "pads": [...], "errors": [...]}``."""
    cameras, cam_error = probe_cameras(timeout_s)
    report: dict[str, Any] = {"cameras": cameras, "pads": probe_pads(timeout_s, sigweb_url, virtual), "errors": []}
    if cam_error:
        report["errors"].append({"part": "cameras", "message": cam_error})
    return report


def format_text(report: dict[str, Any]) -> str:
    """Spanish text rendering of :func:`collect`'s report."""
    lines = ["Cámaras:"]
    for cam in report["cameras"]:
        state = "disponible" if cam.get("available", True) else "no disponible"
        res = ", ".join(cam.get("resolutions") or [])
        extra = f" — {cam['message']}" if cam.get("message") else ""
        lines.append(f"  - {cam.get('name', 'Cámara')} [{cam.get('path') or cam.get('index')}]: {state}"
                     f"{' (' + res + ')' if res else ''}{extra}")
    for err in report["errors"]:
        if err["part"] == "cameras":
            lines.append(f"  ! {err['message']}")
    if not report["cameras"] and not report["errors"]:
        lines.append("  (ninguna)")
    lines.append("Pads de firma:")
    for pad in report["pads"]:
        name = _KIND_ES.get(pad["kind"], pad["kind"])
        detail = " ".join(str(pad[k]) for k in ("name", "serial") if pad.get(k))
        lines.append(f"  - {name}: {_STATE_ES.get(pad['state'], pad['state'])}"
                     f"{' — ' + detail if detail else ''}. {pad.get('message', '')}".rstrip())
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``credencializacion devices``; returns 0 (2 on bad arguments)."""
    from station.domain.cliargs import SpanishArgumentParser, positive_float

    p = SpanishArgumentParser(prog="credencializacion devices",
                              description="Lista las cámaras y los pads de firma y su estado.")
    p.add_argument("--json", action="store_true", help="imprime un objeto JSON con «cameras» y «pads»")
    p.add_argument("--timeout", type=positive_float, default=3.0, help="segundos máximos por revisión (3)")
    p.add_argument("--sigweb-url", default=None, help="dirección de SigWeb (http://localhost:47289/SigWeb/)")
    p.add_argument("--virtual", action="store_true", help="incluye el pad Topaz virtual (demostración)")
    try:
        args = p.parse_args(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as exc:
        return 0 if exc.code in (0, None) else 2
    if args.virtual:
        from drivers.doubles import set_mode

        set_mode("prueba")  # --virtual asks for the double explicitly
    report = collect(args.timeout, args.sigweb_url, args.virtual)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(format_text(report))
    return 0
