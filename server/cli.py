"""``credencializacion-server`` command line (issue 3 §2).

Sub-commands::

    serve       [--db URL] [--host H] [--port P] [--workers N] [--semesters 1,3,5] [--no-migrate]
                [--ssl-certfile CERT.pem --ssl-keyfile KEY.pem]
    migrate     [--db URL]
    create-user [--db URL] USERNAME --role ROLE [--campus 001 ...] [--name TEXT] [--password-stdin]
    import-sae  [--db URL] FILE
    print-order [--db URL] create --campus 001 [--campus 002 ...] | advance N [--to PRINTING|RECEIVED] | list
    station     [--db URL] revoke STATION_ID
    biometrics  [--db URL] delete MATRÍCULA --motivo TEXTO   (Dirección Estatal: cancelación ARCO; audited)
    keys        [--db URL] [--key-file PATH] rotate [--drop-old]
    demo-data   [--db URL] [--students N] [--campuses N] [--password-stdin | --password P]
    audit       [--db URL] verify      (exit 0 chain intact, 1 broken: the first broken row is named)
    access-log  [--db URL] [--user U] [--matricula M] [--station S] [--since FECHA] [--until FECHA] [--limit N]
    accounts    [--db URL] rule | directory | preview | list | export | import   (see server.accounts.cli)
    mail        … avisos por correo (see :mod:`server.mail.cli`)
    requests    [--db URL] [--as USUARIO] types | file | list | show | attach | act | accounts | log | export | remind | purge
                (solicitudes; see :mod:`server.requests.cli`)

``--db`` defaults to ``$CREDENCIALIZACION_SERVER_DB`` or an SQLite file in
the user data directory (``…/credencializacion/server/servidor.sqlite3``;
``$CREDENCIALIZACION_HOME/data/server/…`` when set). Passwords are prompted
(twice) or read from the first line of stdin with ``--password-stdin``.
Exit codes: 0 ok, 1 refused (message in Spanish on stderr), 2 usage error or an unusable
environment: Spanish argparse errors (:class:`station.domain.cliargs.SpanishArgumentParser`), a
database that cannot be reached or is not a database (closed port, missing database, garbage
SQLite file), an out-of-range ``--port``, a ``--host`` that does not resolve, a port already in
use, unreadable or mismatched TLS files, a full disk — always one Spanish line, never a traceback.

TLS (#13 item 6): ``serve --ssl-certfile/--ssl-keyfile`` hands the PEM files to uvicorn (both or
neither; checked to load together before the port opens). The other deployment is a reverse proxy
terminating TLS (``packaging/Caddyfile``), with the server on loopback.
"""
from __future__ import annotations

import argparse
import errno
import getpass
import json
import os
import socket
import ssl
import sys
from pathlib import Path

from station.domain import Actor, Role
from station.domain.cliargs import EXIT_INPUT, SpanishArgumentParser, non_negative_int, port_number, positive_int
from station.domain.errors import UserError
from station.domain.validators import FieldError, validate_matricula


class EnvironmentProblem(UserError):
    """The command cannot run here (database unreachable, port taken, disk full…); ``str()`` is
    Spanish; the CLI prints it and exits with code 2."""

    code = "environment_problem"


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


def ip_address_text(text: str) -> str:
    """``argparse`` type: one IPv4/IPv6 address, returned in its canonical text form."""
    import ipaddress

    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        raise argparse.ArgumentTypeError(f"«{text}» no es una dirección IP") from None


def matricula_text(text: str) -> str:
    """``argparse`` type: a well-formed matrícula (:func:`station.domain.validators.validate_matricula`),
    else a Spanish usage error."""
    try:
        return validate_matricula(text)
    except FieldError as exc:
        raise argparse.ArgumentTypeError(exc.message) from None


def reason_text(text: str) -> str:
    """``argparse`` type: the stated reason of a deletion — not blank, at most
    :data:`server.services.biometrics.MAX_REASON` characters — else a Spanish usage error."""
    from server.services.biometrics import MAX_REASON

    text = text.strip()
    if not text:
        raise argparse.ArgumentTypeError("escriba el motivo (p. ej. el folio de la solicitud de cancelación)")
    if len(text) > MAX_REASON:
        raise argparse.ArgumentTypeError(f"el motivo tiene {len(text)} caracteres; el máximo es {MAX_REASON}")
    return text


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
    serve.add_argument("--port", type=port_number, default=8765)
    serve.add_argument("--workers", type=positive_int, default=1,
                       help="Procesos de trabajo (PostgreSQL: uno por núcleo, detrás de un proxy inverso).")
    serve.add_argument("--semesters", default=None, help="Semestres permitidos, p. ej. 1,3,5")
    serve.add_argument("--no-migrate", action="store_true", help="No aplicar migraciones al iniciar.")
    serve.add_argument("--ssl-certfile", default=None,
                       help="Certificado TLS (PEM, con la cadena intermedia) para servir HTTPS directamente.")
    serve.add_argument("--ssl-keyfile", default=None, help="Llave privada del certificado TLS (PEM).")
    serve.add_argument("--trusted-proxy", action="append", default=[], type=ip_address_text,
                       help="IP del proxy inverso cuyo X-Forwarded-For se cree (repetible; p. ej. 127.0.0.1).")
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
    poa.add_argument("number", type=positive_int, metavar="NÚMERO")
    poa.add_argument("--to", choices=["PRINTING", "RECEIVED"], default=None)
    po_sub.add_parser("list")
    st = with_db(sub.add_parser("station", help="Estaciones registradas."))
    st_sub = st.add_subparsers(dest="action", required=True, metavar="ACCIÓN")
    st_rev = st_sub.add_parser("revoke", help="Revoca una estación: sus sesiones terminan de inmediato.")
    st_rev.add_argument("station_id", metavar="ESTACIÓN")
    bio = with_db(sub.add_parser("biometrics", help="Fotografía y firma de un alumno en el servidor."))
    bio_sub = bio.add_subparsers(dest="action", required=True, metavar="ACCIÓN")
    bio_del = bio_sub.add_parser(
        "delete", help="Elimina la fotografía y las firmas de captura de un alumno (cancelación ARCO, Dirección "
                       "Estatal); la firma de entrega se conserva y el motivo queda en la auditoría.")
    bio_del.add_argument("matricula", type=matricula_text, metavar="MATRÍCULA")
    bio_del.add_argument("--motivo", "--reason", dest="reason", required=True, type=reason_text, metavar="TEXTO",
                         help="Por qué se eliminan (p. ej. el folio de la solicitud de cancelación); obligatorio.")
    ks = with_db(sub.add_parser("keys", help="Llaves maestras del cifrado de fotografías y firmas."))
    ks.add_argument("--key-file", default=None, help="Archivo de llaves maestras (JSON)")
    ks_sub = ks.add_subparsers(dest="action", required=True, metavar="ACCIÓN")
    ks_rot = ks_sub.add_parser("rotate", help="Crea una llave maestra nueva y vuelve a envolver las llaves de datos.")
    ks_rot.add_argument("--drop-old", action="store_true", help="Quita del archivo las llaves anteriores al terminar.")
    au = with_db(sub.add_parser("audit", help="Bitácora de auditoría."))
    au_sub = au.add_subparsers(dest="action", required=True)
    with_db(au_sub.add_parser("verify", help="Comprueba la cadena de huellas de la auditoría y de la bitácora de "
                                             "accesos; informa el primer registro alterado."))
    al = with_db(sub.add_parser("access-log", help="Consultas de datos personales (quién, cuándo, qué alumnos)."))
    al.add_argument("--user", default=None, help="Usuario que consultó")
    al.add_argument("--matricula", default=None, help="Alumno consultado")
    al.add_argument("--station", default=None, help="Estación")
    al.add_argument("--since", default=None, help="Desde (AAAA-MM-DD o fecha y hora ISO, UTC)")
    al.add_argument("--until", default=None, help="Hasta (AAAA-MM-DD o fecha y hora ISO, UTC)")
    al.add_argument("--limit", type=int, default=200, help="Máximo de registros (1–10000)")
    demo = with_db(sub.add_parser("demo-data", help="Carga datos de demostración."))
    demo.add_argument("--students", type=non_negative_int, default=500)
    demo.add_argument("--campuses", type=positive_int, default=3)
    demo.add_argument("--seed", type=non_negative_int, default=2019)
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
    """Run the CLI with ``argv`` (default ``sys.argv[1:]``); return the exit code (see module doc)."""
    args = _parser().parse_args(argv)  # a usage error prints in Spanish and raises SystemExit(2)
    from sqlalchemy.exc import DBAPIError

    from server.db.engine import database_problem
    from server.errors import ApiError
    from server.keys import MasterKeyError
    from server.settings import SettingsError

    url = getattr(args, "db", None) or default_db_url()
    try:
        if getattr(args, "db", None):
            check_db_url(url)
        return _dispatch(args, url)
    except SettingsError as exc:  # a CREDENCIALIZACION_SERVER_* variable or --semesters is malformed
        print(f"Error: {exc.message}", file=sys.stderr)
        return 2
    except ApiError as exc:
        print(f"Error: {exc.message}", file=sys.stderr)
        return 1
    except EnvironmentProblem as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except DBAPIError as exc:
        problem = database_problem(exc, url)
        if problem is None:
            raise
        print(f"Error: {problem}", file=sys.stderr)
        return EXIT_INPUT
    except ValueError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    except MasterKeyError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # a full disk, an unreadable file, a folder without permission
        reason = _OS_REASONS.get(exc.errno, exc.strerror or type(exc).__name__)
        problem = database_problem(exc, url) or (
            f"No se pudo leer o escribir un archivo: {reason}" + (f" ({exc.filename})." if exc.filename else "."))
        print(f"Error: {problem}", file=sys.stderr)
        return EXIT_INPUT


_OS_REASONS = {errno.ENOENT: "no existe", errno.EACCES: "sin permiso", errno.EPERM: "operación no permitida",
               errno.EROFS: "el sistema de archivos es de solo lectura", errno.EISDIR: "es una carpeta",
               errno.ENOTDIR: "una parte de la ruta no es una carpeta", errno.EDQUOT: "se agotó la cuota de disco"}


def check_db_url(url: str) -> None:
    """Raise :class:`EnvironmentProblem` (Spanish) for a ``--db`` that is not a PostgreSQL or
    SQLite URL (the password is never echoed)."""
    from sqlalchemy.exc import ArgumentError

    from server.db.engine import normalize_url

    try:
        normalize_url(url)
    except ValueError as exc:
        raise EnvironmentProblem(f"--db: {exc}") from None
    except ArgumentError:
        raise EnvironmentProblem("--db no es una dirección de base de datos válida (use postgresql://usuario@host/"
                                 "base o sqlite:///ruta/archivo.sqlite3).") from None


def check_tls_files(certfile: str | None, keyfile: str | None) -> None:
    """Raise :class:`EnvironmentProblem` unless both or neither of ``certfile``/``keyfile`` are
    given and, when given, they load together as a PEM certificate chain and its unencrypted key."""
    if not certfile and not keyfile:
        return
    if not (certfile and keyfile):
        raise EnvironmentProblem("Use --ssl-certfile y --ssl-keyfile juntos (el certificado y su llave privada).")
    for label, path in (("certificado", certfile), ("llave", keyfile)):
        if not Path(path).is_file():
            raise EnvironmentProblem(f"No existe el archivo de {label} TLS {path}.")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        context.load_cert_chain(certfile, keyfile, password=lambda: b"")
    except (ssl.SSLError, ValueError) as exc:
        raise EnvironmentProblem(f"El certificado {certfile} y la llave {keyfile} no se pudieron cargar juntos: no son "
                                 f"PEM, no corresponden entre sí o la llave está cifrada con contraseña "
                                 f"({getattr(exc, 'reason', None) or type(exc).__name__}).") from None
    except OSError as exc:
        raise EnvironmentProblem(f"No se pudo leer el certificado o la llave TLS: {exc.strerror or exc}.") from None


def check_listen_address(host: str, port: int) -> None:
    """Raise :class:`EnvironmentProblem` (Spanish) when ``host`` does not resolve or is not an
    address of this machine, or ``port`` is taken or needs privileges. Binds and closes a probe
    socket with ``SO_REUSEADDR`` (as uvicorn does), so a port in ``TIME_WAIT`` is not "in use"."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError):
        raise EnvironmentProblem(f"No se reconoce la dirección «{host}» de --host (use una IP de este equipo, "
                                 "0.0.0.0 o un nombre que resuelva).") from None
    family, kind, proto, _, address = infos[0]
    probe = socket.socket(family, kind, proto)
    try:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(address)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise EnvironmentProblem(f"El puerto {port} ya está en uso en {host} (¿otro servidor en ejecución?); "
                                     "elija otro con --port.") from None
        if exc.errno == errno.EACCES:
            raise EnvironmentProblem(f"Sin permiso para usar el puerto {port} (los puertos menores que 1024 "
                                     "requieren privilegios); use --port 8765 detrás de un proxy inverso.") from None
        if exc.errno == errno.EADDRNOTAVAIL:
            raise EnvironmentProblem(f"La dirección «{host}» de --host no pertenece a este equipo.") from None
        raise EnvironmentProblem(f"No se pudo abrir {host}:{port}: {exc.strerror or exc}.") from None
    finally:
        probe.close()


def _delete_biometrics(args, url: str) -> int:
    """``biometrics delete``: the same service, transition and audit event as ``POST
    /students/{m}/biometrics/delete`` (:func:`server.services.biometrics.delete_student_biometrics`),
    as the CLI's state-office actor; a refusal of the table (no such student, a card being
    printed) is exit 1 with its Spanish message."""
    from station.domain import Refusal

    from server.errors import refusal_error
    from server.services.biometrics import delete_student_biometrics

    def work(session):
        outcome = delete_student_biometrics(session, args.matricula, _cli_actor(), args.reason)
        if isinstance(outcome, Refusal):
            raise refusal_error(outcome)  # nothing written
        return outcome

    student, deleted = _run_tx(url, work)
    kept = sum(1 for d in deleted if d["shared"])
    print(f"Fotografía y firmas de {student.matricula} eliminadas del servidor ({len(deleted)} archivo(s)"
          + (f"; {kept} se conserva(n) porque otro alumno tiene los mismos datos" if kept else "")
          + f"); estatus: {student.status.label}. Las estaciones borran sus copias en la siguiente sincronización.")
    return 0


def _dispatch(args, url: str) -> int:
    from server.db.migrate import upgrade

    from server.requests.campaigns import install as install_request_listener

    install_request_listener()  # a worker that ends a mass e-mail campaign answers its request
    if args.command == "requests":
        from server.requests.cli import run as run_requests

        return run_requests(args, url)  # migrates once its options are checked
    if args.command == "mail":
        from server.mail.cli import run as run_mail

        return run_mail(args, url, _cli_actor())

    if args.command == "audit":
        return _audit_verify(url)
    if args.command == "migrate":
        upgrade(url)
        print("Base de datos actualizada.")
        return 0
    if args.command == "serve":
        import uvicorn

        from server.app import SERVE_DB_ENV, SERVE_SEMESTERS_ENV, create_app, serve_settings

        check_tls_files(args.ssl_certfile, args.ssl_keyfile)
        check_listen_address(args.host, args.port)
        # refused here, in Spanish, before any worker starts
        settings = serve_settings(args.semesters or "", ",".join(args.trusted_proxy))
        if not args.no_migrate:
            upgrade(url)
        tls = {"ssl_certfile": args.ssl_certfile, "ssl_keyfile": args.ssl_keyfile} if args.ssl_certfile else {}
        check_listen_address(args.host, args.port)  # again: migrating may have taken a while
        if args.workers > 1:  # each worker process builds its own app (and pool) from the environment
            os.environ[SERVE_DB_ENV] = url
            os.environ[SERVE_SEMESTERS_ENV] = args.semesters or ""
            if args.trusted_proxy:  # read by each worker's settings (server.settings, CREDENCIALIZACION_SERVER_*)
                os.environ["CREDENCIALIZACION_SERVER_TRUSTED_PROXIES"] = ",".join(args.trusted_proxy)
            uvicorn.run("server.app:app_from_environment", factory=True, workers=args.workers, host=args.host,
                        port=args.port, proxy_headers=False, **tls)
            return 0
        uvicorn.run(create_app(url, settings=settings), host=args.host, port=args.port,
                    proxy_headers=False, **tls)
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
            order, members, left_out = _run_tx(url, lambda s: po.create_order(s, _cli_actor(), args.campus))
            print(f"Orden de impresión {order.number} creada con {len(members)} alumnos (Solicitado).")
            reasons: dict[str, list[str]] = {}
            for matricula, why in left_out:
                reasons.setdefault(why.message, []).append(matricula)
            for message, matriculas in reasons.items():
                print(f"Quedan fuera {len(matriculas)} alumnos: {message} ({', '.join(matriculas)})")
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
    if args.command == "biometrics":
        return _delete_biometrics(args, url)
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
    if args.command == "access-log":
        return _access_log(args, url)
    if args.command == "demo-data":
        from server.services.demo import load_demo

        password = _read_password(args.password_stdin, args.password)
        counts = load_demo(url, password=password, students=args.students, campuses=args.campuses, seed=args.seed)
        print(f"Datos de demostración cargados: {counts['students']} alumnos, {counts['users']} usuarios nuevos "
              f"(admin, estatal, supervisor, operador…), {counts['sae']} registros del SAE.")
        return 0
    return 2


def _audit_verify(url: str) -> int:
    """``audit verify``: walk both chains (never migrates: a read-only check). 0 intact, 1 broken, 2 unusable."""
    from sqlalchemy.exc import SQLAlchemyError

    from server.db.chain import verify_chain
    from server.db.models import AccessLogRow, AuditRow

    try:
        engine, factory = _session(url)
    except ValueError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2
    try:
        with factory() as session:
            for model, label in ((AuditRow, "auditoría"), (AccessLogRow, "bitácora de accesos")):
                checked, broken = verify_chain(session, model)
                if broken is not None:
                    print(f"Cadena rota en la {label}: {broken.reason} ({checked} registro(s) revisado(s)).",
                          file=sys.stderr)
                    return 1
                print(f"{label.capitalize()}: {checked} registro(s), cadena íntegra.")
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", exc) or exc).splitlines()[0]
        print(f"Error: no se pudo leer la base de datos ({reason}). ¿Está migrada (credencializacion-server "
              f"migrate) y es correcta la URL de --db?", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    return 0


def _access_log(args, url: str) -> int:
    """``access-log``: reads of personal data, newest first, as tab-separated lines."""
    from server.services.access import query_access_log
    from station.domain.cliargs import parse_when

    if not 1 <= args.limit <= 10_000:
        print("Error: --limit debe estar entre 1 y 10000.", file=sys.stderr)
        return 2
    since, until = parse_when(args.since, "--since"), parse_when(args.until, "--until")
    engine, factory = _session(url)
    try:
        with factory() as session:
            rows = query_access_log(session, username=args.user, matricula=args.matricula, station_id=args.station,
                                    since=since, until=until, limit=args.limit)
    finally:
        engine.dispose()
    print("fecha\tusuario\tperfil\testacion\tdireccion\trecurso\talumnos\tmatriculas")
    for r in rows:
        print(f"{r.at:%Y-%m-%d %H:%M:%S}\t{r.username}\t{r.role}\t{r.station_id}\t{r.address}\t{r.resource}"
              f"\t{r.students}\t{r.matriculas.strip()}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
