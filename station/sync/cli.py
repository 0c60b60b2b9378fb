"""``credencializacion sync``: one headless sync round (installers, scheduled tasks).

Prints one JSON object ``{"pushed", "rejected", "pulled", "pending",
"errors"}`` on stdout; exit code 0 when the round completed (push and pull
finished — refused commands are incidencias, not failures), 1 when it was
interrupted (network, server, session), 2 for a configuration problem.

Credentials: ``--usuario`` with the password from ``--contrasena-stdin`` or
the variable ``CREDENCIALIZACION_SYNC_PASSWORD``; without ``--usuario`` the
session token of the last online sign-in (OS keyring) is used.

Time-bounded (issue 14 §7): every request has a connect timeout of 3 s and a
read timeout of ``--espera`` s (default 15), and the whole round a deadline
of ``--limite`` s (default 120); past it the round is abandoned (the queue
is intact: each local change commits on its own) and the exit code is 1
with cause ``timeout``.
"""
from __future__ import annotations

import json
import os
import sys
import threading

from station.api import ServerApiError, ServerApi
from station.sync.backoff import Backoff


def _parser():
    from station.domain.cliargs import SpanishArgumentParser, positive_float, positive_int

    p = SpanishArgumentParser(prog="credencializacion sync",
                              description="Ejecuta una ronda de sincronización con el servidor central.")
    p.add_argument("--servidor", help="URL del servidor central (por omisión la de la configuración)")
    p.add_argument("--usuario", help="Usuario para iniciar sesión en línea")
    p.add_argument("--contrasena-stdin", action="store_true", help="Leer la contraseña de la entrada estándar")
    p.add_argument("--intentos", type=positive_int, default=3, help="Intentos por solicitud dentro de la ronda (3)")
    p.add_argument("--espera", type=positive_float, default=15.0,
                   help="Segundos máximos de espera de cada respuesta (15)")
    p.add_argument("--limite", type=positive_float, default=120.0, help="Segundos máximos de la ronda completa (120)")
    return p


def main(argv: list[str] | None = None) -> int:
    """Run one round; see the module doc for output and exit codes."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:
        return 0 if exc.code in (0, None) else 2
    from station.config import ConfigError, load_config

    def fail(code: int, cause: str, message: str) -> int:
        print(json.dumps({"pushed": 0, "rejected": 0, "pulled": 0, "pending": None,
                          "errors": [{"cause": cause, "status": None, "message": message}]}, ensure_ascii=False))
        return code

    try:
        config = load_config()
    except ConfigError as exc:
        return fail(2, "config", str(exc))
    url = (args.servidor or config.server_url or "").strip()
    if not url:
        return fail(2, "config", "No se ha configurado la dirección del servidor central (server_url).")
    if not url.lower().startswith(("http://", "https://")) or any(c.isspace() for c in url):
        return fail(2, "config", f"La dirección del servidor debe empezar con https:// (o http://): «{url}».")
    from station.api import check_server_url

    try:
        check_server_url(url)  # http:// only to this machine, refused before any connection
    except ServerApiError as exc:
        return fail(2, exc.cause, exc.message)
    ca_bundle = config.ca_bundle or None
    timeout = (3.05, float(args.espera))
    from station.secrets import SecretStoreError
    from station.store import LocalStore, StoreOpenError

    try:
        store = LocalStore.open_configured(config)
    except (SecretStoreError, StoreOpenError) as exc:
        return fail(2, "local", str(exc))
    try:
        api: ServerApi | None
        if args.usuario:
            password = (sys.stdin.readline().rstrip("\n") if args.contrasena_stdin
                        else os.environ.get("CREDENCIALIZACION_SYNC_PASSWORD", ""))
            if not password:
                return fail(2, "config", "Falta la contraseña (use --contrasena-stdin o "
                                         "CREDENCIALIZACION_SYNC_PASSWORD).")
            api = ServerApi(url, timeout=timeout, ca_bundle=ca_bundle)
            key = None
            if config.station_id:
                from station.secrets import get_or_create_signing_key

                try:
                    key = get_or_create_signing_key(config.station_id)
                except SecretStoreError as exc:
                    return fail(2, "local", str(exc))
            try:
                api.login(args.usuario, password, config.station_id if key else "", key)
            except ServerApiError as exc:
                return fail(1, exc.cause, exc.message)
        else:
            from station.auth import load_session_api

            api = load_session_api(url, ca_bundle=ca_bundle)
            if api is not None:
                api.timeout = timeout
        from station.sync.service import SyncService

        service = SyncService(store, lambda: api, config,
                              backoff=Backoff(base_s=0.5, cap_s=5.0, attempts=max(1, args.intentos)))
        outcome: list = []
        worker = threading.Thread(target=lambda: outcome.append(service.run_round()), name="sync-cli", daemon=True)
        worker.start()
        worker.join(float(args.limite))
        if not outcome:
            return fail(1, "timeout", f"La ronda de sincronización no terminó en {args.limite:g} s; se abandonó. "
                                      "Lo pendiente sigue en la cola y se enviará en la próxima ronda.")
        result = outcome[0]
        print(json.dumps(result.to_dict(), ensure_ascii=False))
        return 0 if result.completed else 1
    finally:
        store.close()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
