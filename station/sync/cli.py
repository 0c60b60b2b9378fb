"""``credencializacion sync``: one headless sync round (installers, scheduled tasks).

Prints one JSON object ``{"pushed", "rejected", "pulled", "pending",
"errors"}`` on stdout; exit code 0 when the round completed (push and pull
finished — refused commands are incidencias, not failures), 1 when it was
interrupted (network, server, session), 2 for a configuration problem.

Credentials: ``--usuario`` with the password from ``--contrasena-stdin`` or
the variable ``CREDENCIALIZACION_SYNC_PASSWORD``; without ``--usuario`` the
session token of the last online sign-in (OS keyring) is used.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

from station.api import ServerApiError, ServerApi
from station.sync.backoff import Backoff


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="credencializacion sync",
                                description="Ejecuta una ronda de sincronización con el servidor central.")
    p.add_argument("--servidor", help="URL del servidor central (por omisión la de la configuración)")
    p.add_argument("--usuario", help="Usuario para iniciar sesión en línea")
    p.add_argument("--contrasena-stdin", action="store_true", help="Leer la contraseña de la entrada estándar")
    p.add_argument("--intentos", type=int, default=3, help="Intentos por solicitud dentro de la ronda (3)")
    return p


def main(argv: list[str] | None = None) -> int:
    """Run one round; see the module doc for output and exit codes."""
    args = _parser().parse_args(argv)
    from station.config import ConfigError, load_config

    def fail(code: int, cause: str, message: str) -> int:
        print(json.dumps({"pushed": 0, "rejected": 0, "pulled": 0, "pending": None,
                          "errors": [{"cause": cause, "status": None, "message": message}]}, ensure_ascii=False))
        return code

    try:
        config = load_config()
    except ConfigError as exc:
        return fail(2, "config", str(exc))
    url = args.servidor or config.server_url
    if not url:
        return fail(2, "config", "No se ha configurado la dirección del servidor central (server_url).")
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
            api = ServerApi(url)
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

            api = load_session_api(url)
        from station.sync.service import SyncService

        service = SyncService(store, lambda: api, config,
                              backoff=Backoff(base_s=0.5, cap_s=5.0, attempts=max(1, args.intentos)))
        result = service.run_round()
        print(json.dumps(result.to_dict(), ensure_ascii=False))
        return 0 if result.completed else 1
    finally:
        store.close()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
