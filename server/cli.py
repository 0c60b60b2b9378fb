"""``credencializacion-server`` command line (issue 3 §2).

Sub-commands::

    serve       [--db URL] [--host H] [--port P] [--workers N] [--semesters 1,3,5] [--no-migrate]
    migrate     [--db URL]
    create-user [--db URL] USERNAME --role ROLE [--campus 001 ...] [--name TEXT] [--password-stdin]
    import-sae  [--db URL] FILE
    print-order [--db URL] create --campus 001 [--campus 002 ...] | advance N [--to PRINTING|RECEIVED] | list
    station     [--db URL] revoke STATION_ID
    keys        [--db URL] [--key-file PATH] rotate [--drop-old]
    demo-data   [--db URL] [--students N] [--campuses N] [--password-stdin | --password P]
    accounts    [--db URL] rule | directory | preview | list | export | import   (see server.accounts.cli)
    mail        … avisos por correo (see :mod:`server.mail.cli`)
    requests    [--db URL] [--as USUARIO] types | file | list | show | attach | act | log | export | remind | purge
                (solicitudes; see :mod:`server.requests.cli`)

``--db`` defaults to ``$CREDENCIALIZACION_SERVER_DB`` or an SQLite file in
the user data directory (``…/credencializacion/server/servidor.sqlite3``;
``$CREDENCIALIZACION_HOME/data/server/…`` when set). Passwords are prompted
(twice) or read from the first line of stdin with ``--password-stdin``.
Exit codes: 0 ok, 1 refused (message in Spanish on stderr), 2 usage error.
"""
from __future__ import annotations

import getpass
import json
import os
import sys
from pathlib import Path

from station.domain import Actor, Role
from station.domain.cliargs import SpanishArgumentParser


def default_db_url() -> str:
    """The default database URL (see module docstring)."""
    env = os.environ.get("CREDENCIALIZACION_SERVER_DB")
    if env:
        return env
    home = os.environ.get("CREDENCIALIZACION_HOME")
    if home:
        folder = Path(home) / "data" / "server"
    else:
        import platformdirs

        folder = Path(platformdirs.user_data_dir("credencializacion", appauthor=False)) / "server"
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'servidor.sqlite3'}"


def _cli_actor() -> Actor:
    """The administrator running the CLI (audited as ``cli:<OS user>``)."""
    try:
        who = getpass.getuser()
    except Exception:  # pragma: no cover - no login name
        who = "desconocido"
    return Actor(f"cli:{who}", Role.STATE_OFFICE, station_id="cli")


def _read_password(from_stdin: bool, given: str | None = None) -> str:
    if given:
        return given
    if from_stdin or not sys.stdin.isatty():
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise SystemExit("Error: no se recibió la contraseña por la entrada estándar.")
        return line
    first = getpass.getpass("Contraseña: ")
    if first != getpass.getpass("Repita la contraseña: "):
        raise SystemExit("Error: las contraseñas no coinciden.")
    return first


def _parser() -> SpanishArgumentParser:
    parser = SpanishArgumentParser(prog="credencializacion-server",
                                     description="Servidor central de credencialización.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMANDO")

    def with_db(p):
        p.add_argument("--db", default=None, help="URL de la base de datos (postgresql://… o sqlite:///…)")
        return p

    serve = with_db(sub.add_parser("serve", help="Inicia el servidor HTTP."))
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--workers", type=int, default=1,
                       help="Procesos de trabajo (PostgreSQL: uno por núcleo, detrás de un proxy inverso).")
    serve.add_argument("--semesters", default=None, help="Semestres permitidos, p. ej. 1,3,5")
    serve.add_argument("--no-migrate", action="store_true", help="No aplicar migraciones al iniciar.")
    with_db(sub.add_parser("migrate", help="Aplica las migraciones de la base de datos."))
    cu = with_db(sub.add_parser("create-user", help="Crea un usuario."))
    cu.add_argument("username", metavar="USUARIO")
    cu.add_argument("--role", required=True, choices=[r.value for r in Role])
    cu.add_argument("--campus", action="append", default=[], help="Plantel asignado (repetible)")
    cu.add_argument("--name", default="", help="Nombre para mostrar")
    cu.add_argument("--password-stdin", action="store_true")
    imp = with_db(sub.add_parser("import-sae", help="Carga un archivo de exportación del SAE (CSV o XLSX)."))
    imp.add_argument("file", metavar="ARCHIVO")
    po = with_db(sub.add_parser("print-order", help="Órdenes de impresión."))
    po_sub = po.add_subparsers(dest="action", required=True, metavar="ACCIÓN")
    poc = po_sub.add_parser("create")
    poc.add_argument("--campus", action="append", required=True)
    poa = po_sub.add_parser("advance")
    poa.add_argument("number", type=int, metavar="NÚMERO")
    poa.add_argument("--to", choices=["PRINTING", "RECEIVED"], default=None)
    po_sub.add_parser("list")
    st = with_db(sub.add_parser("station", help="Estaciones registradas."))
    st_sub = st.add_subparsers(dest="action", required=True, metavar="ACCIÓN")
    st_rev = st_sub.add_parser("revoke", help="Revoca una estación: sus sesiones terminan de inmediato.")
    st_rev.add_argument("station_id", metavar="ESTACIÓN")
    ks = with_db(sub.add_parser("keys", help="Llaves maestras del cifrado de fotografías y firmas."))
    ks.add_argument("--key-file", default=None, help="Archivo de llaves maestras (JSON)")
    ks_sub = ks.add_subparsers(dest="action", required=True, metavar="ACCIÓN")
    ks_rot = ks_sub.add_parser("rotate", help="Crea una llave maestra nueva y vuelve a envolver las llaves de datos.")
    ks_rot.add_argument("--drop-old", action="store_true", help="Quita del archivo las llaves anteriores al terminar.")
    demo = with_db(sub.add_parser("demo-data", help="Carga datos de demostración."))
    demo.add_argument("--students", type=int, default=500)
    demo.add_argument("--campuses", type=int, default=3)
    demo.add_argument("--seed", type=int, default=2019)
    demo.add_argument("--password", default=None, help="Contraseña de los usuarios de demostración")
    demo.add_argument("--password-stdin", action="store_true")
    from server.accounts.cli import add_parser as add_accounts

    add_accounts(sub)
    from server.mail.cli import add_parser as add_mail_parser

    add_mail_parser(sub, with_db)
    from server.requests.cli import add_parser as add_requests_parser

    add_requests_parser(sub, with_db)
    return parser


def _session(url: str):
    from server.db.engine import make_engine, make_session_factory

    engine = make_engine(url)
    return engine, make_session_factory(engine)


def _run_tx(url, work):
    from server.db.engine import run_transaction

    engine, factory = _session(url)
    try:
        return run_transaction(factory, work)
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    """Run the CLI with ``argv`` (default ``sys.argv[1:]``); return the exit code."""
    args = _parser().parse_args(argv)
    url = getattr(args, "db", None) or default_db_url()
    from server.errors import ApiError
    from server.keys import MasterKeyError
    from server.settings import SettingsError

    try:
        return _dispatch(args, url)
    except SettingsError as exc:  # a CREDENCIALIZACION_SERVER_* variable or --semesters is malformed
        print(f"Error: {exc.message}", file=sys.stderr)
        return 2
    except ApiError as exc:
        print(f"Error: {exc.message}", file=sys.stderr)
        return 1
    except ValueError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    except MasterKeyError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2


def _dispatch(args, url: str) -> int:
    from server.db.migrate import upgrade

    from server.requests.campaigns import install as install_request_listener

    install_request_listener()  # a worker that ends a mass e-mail campaign answers its request
    if args.command == "requests":
        from server.requests.cli import run as run_requests

        upgrade(url)
        return run_requests(args, url)
    if args.command == "mail":
        from server.mail.cli import run as run_mail

        return run_mail(args, url, _cli_actor())

    if args.command == "migrate":
        upgrade(url)
        print("Base de datos actualizada.")
        return 0
    if args.command == "serve":
        import uvicorn

        from server.app import SERVE_DB_ENV, SERVE_SEMESTERS_ENV, create_app, serve_settings

        if args.workers < 1:
            print("Error: --workers debe ser 1 o más.", file=sys.stderr)
            return 2
        settings = serve_settings(args.semesters or "")  # refused here, in Spanish, before any worker starts
        if not args.no_migrate:
            upgrade(url)
        if args.workers > 1:  # each worker process builds its own app (and pool) from the environment
            os.environ[SERVE_DB_ENV] = url
            os.environ[SERVE_SEMESTERS_ENV] = args.semesters or ""
            uvicorn.run("server.app:app_from_environment", factory=True, workers=args.workers, host=args.host,
                        port=args.port, proxy_headers=False)
            return 0
        uvicorn.run(create_app(url, settings=settings), host=args.host, port=args.port,
                    proxy_headers=False)
        return 0
    upgrade(url)
    if args.command == "create-user":
        from server.services.admin import create_user
        from server.settings import load_server_settings

        password = _read_password(args.password_stdin)
        if len(password) < 8:
            print("Error: la contraseña debe tener al menos 8 caracteres.", file=sys.stderr)
            return 1
        _run_tx(url, lambda s: create_user(s, _cli_actor(), args.username, password, Role(args.role), args.campus,
                                           args.name, load_server_settings()))
        print(f"Usuario «{args.username}» creado.")
        return 0
    if args.command == "import-sae":
        from server.services.admin import audit
        from server.services.sae import import_sae_file

        path = Path(args.file)
        if not path.is_file():
            print(f"Error: no existe el archivo {path}.", file=sys.stderr)
            return 1

        def work(session):
            result = import_sae_file(session, path, source=path.name)
            audit(session, _cli_actor(), "sae_file", path.name[:64], "import_sae_file",
                  details={"rows": result.rows, "imported": result.imported, "refused": result.refused})
            return result

        result = _run_tx(url, work)
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return 0 if result.refused == 0 else 1
    if args.command == "print-order":
        from server.services import print_orders as po

        if args.action == "create":
            order, members = _run_tx(url, lambda s: po.create_order(s, _cli_actor(), args.campus))
            print(f"Orden de impresión {order.number} creada con {len(members)} alumnos (Solicitado).")
        elif args.action == "advance":
            order, moved, skipped = _run_tx(url, lambda s: po.advance_order(s, _cli_actor(), args.number, args.to))
            print(f"Orden {order.number}: {len(moved)} alumnos pasan a {order.status}; {len(skipped)} omitidos.")
        else:
            engine, factory = _session(url)
            with factory() as session:
                for order in po.list_orders(session):
                    print(f"{order.number}\t{order.status}\t{order.student_count}\t{','.join(order.campuses or [])}"
                          f"\t{order.created_at:%Y-%m-%d %H:%M}\t{order.created_by}")
            engine.dispose()
        return 0
    if args.command == "station":
        from server.services.admin import revoke_station

        ended = _run_tx(url, lambda s: revoke_station(s, _cli_actor(), args.station_id))
        print(f"Estación «{args.station_id}» revocada; {ended} sesión(es) terminada(s).")
        return 0
    if args.command == "accounts":
        from server.accounts.cli import run as run_accounts

        return run_accounts(args, url, _run_tx)
    if args.command == "keys":
        from server.keys import default_key_file, load_master_keys, rotate

        keys = load_master_keys(args.key_file or default_key_file())
        engine, factory = _session(url)
        try:
            new, count = rotate(factory, keys, drop_old=args.drop_old)
        finally:
            engine.dispose()
        print(f"Llave maestra nueva «{new}» en {keys.path}; {count} archivo(s) con su llave de datos envuelta de nuevo.")
        return 0
    if args.command == "demo-data":
        from server.services.demo import load_demo

        password = _read_password(args.password_stdin, args.password)
        counts = load_demo(url, password=password, students=args.students, campuses=args.campuses, seed=args.seed)
        print(f"Datos de demostración cargados: {counts['students']} alumnos, {counts['users']} usuarios nuevos "
              f"(admin, estatal, supervisor, operador…), {counts['sae']} registros del SAE.")
        return 0
    return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
