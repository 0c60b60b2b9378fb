"""``credencializacion-server mail …``: the mail engine from the command line.

Sub-commands::

    mail classify REPORTE.eml [--json]          clasifica un rebote (sin base de datos)
    mail sender add NOMBRE --from DIR --host H [--port 587] [--security starttls|ssl|none]
                    [--auth password|xoauth2|none] [--username U] [--secret-env VAR]
                    [--preset exchange-online|gmail] [--per-minute N] [--per-day N] [--ca-file PEM]
                    [--tenant-id T --client-id C] [--imap-host H --imap-port 993 --imap-security ssl]
    mail sender list
    mail create --name N --subject S --text-file F [--html-file F] [--campus 001 …] [--group G …]
                [--status RECEIVED …] | [--list FILE --map "Columna=campo" …] [--sender NOMBRE …]
                [--requester CORREO] [--bounce-wait SEG]
    mail preview ID [--json]        mail start ID        mail cancel ID
    mail status ID [--json]         mail report ID --out RESULTADO.xlsx
    mail worker [--until-idle] [--bounce-poll SEG] [--heartbeat SEG] [--backoff SEG]
                [--requests-office CORREO [--requests-head CORREO] [--requests-every SEG]]   (issue #19)
    mail poll-bounces
    mail suppression list | remove DIRECCION
    mail demo [--students N]        envía un aviso de demostración a un servidor SMTP embebido
    mail check-domain DOMINIO [--smtp-host H] [--nameserver IP[:PUERTO] …] [--dkim-selector S …] [--json]
                                    revisa MX, SPF, DKIM y DMARC del dominio remitente (exit 1 si hay errores)

Exit codes: 0 ok; 1 refused (permission, state); 2 bad input (Spanish message
on stderr, never a traceback).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from station.domain.cliargs import non_negative_float, non_negative_int, port_number, positive_float, positive_int


def add_parser(sub, with_db) -> None:
    """Register ``mail`` and its sub-commands on the server CLI's subparsers."""
    mail = sub.add_parser("mail", help="Avisos por correo: envío, rebotes y reportes.")
    msub = mail.add_subparsers(dest="mail_command", required=True)
    cl = msub.add_parser("classify", help="Clasifica un mensaje de rebote (.eml).")
    cl.add_argument("report")
    cl.add_argument("--json", action="store_true")

    snd = msub.add_parser("sender", help="Cuentas remitentes.")
    ssub = snd.add_subparsers(dest="sender_command", required=True)
    add = with_db(ssub.add_parser("add", help="Registra o actualiza una cuenta remitente."))
    add.add_argument("name")
    add.add_argument("--from", dest="from_address", required=True)
    add.add_argument("--from-name", default="")
    add.add_argument("--host", required=True)
    add.add_argument("--port", type=port_number, default=587)
    add.add_argument("--security", choices=["starttls", "ssl", "none"], default="starttls")
    add.add_argument("--auth", choices=["password", "xoauth2", "none"], default="password")
    add.add_argument("--username", default="")
    add.add_argument("--secret-env", default="", help="Variable de entorno con la contraseña o el secreto OAuth2")
    add.add_argument("--ca-file", default="")
    add.add_argument("--tenant-id", default="")
    add.add_argument("--client-id", default="")
    add.add_argument("--preset", choices=["exchange-online", "gmail", "sin-limite"], default=None)
    add.add_argument("--per-minute", type=positive_int, default=None)
    add.add_argument("--per-day", type=positive_int, default=None)
    add.add_argument("--burst", type=positive_int, default=None)
    add.add_argument("--imap-host", default="")
    add.add_argument("--imap-port", type=port_number, default=993)
    add.add_argument("--imap-security", choices=["ssl", "starttls", "none"], default="ssl")
    add.add_argument("--imap-username", default="")
    add.add_argument("--imap-folder", default="INBOX")
    add.add_argument("--imap-processed-folder", default="Rebotes procesados")
    with_db(ssub.add_parser("list", help="Lista las cuentas remitentes."))

    cr = with_db(msub.add_parser("create", help="Crea un aviso (borrador)."))
    cr.add_argument("--name", required=True)
    cr.add_argument("--subject", required=True)
    cr.add_argument("--text-file", required=True)
    cr.add_argument("--html-file", default=None)
    cr.add_argument("--campus", action="append", default=[])
    cr.add_argument("--group", action="append", default=[])
    cr.add_argument("--status", action="append", default=[])
    cr.add_argument("--list", dest="list_file", default=None, help="Lista XLSX/CSV de destinatarios")
    cr.add_argument("--map", action="append", default=[], help="Columna=campo (p. ej. \"Correo=email\")")
    cr.add_argument("--sender", action="append", default=None)
    cr.add_argument("--requester", default="")
    cr.add_argument("--bounce-wait", type=non_negative_int, default=3600)
    for name in ("preview", "start", "cancel", "status"):
        p = with_db(msub.add_parser(name, help={"preview": "Vista previa y revisión de todas las filas.",
                                                "start": "Pone el aviso en cola de envío.",
                                                "cancel": "Detiene un aviso.",
                                                "status": "Avance por estado y tiempo estimado."}[name]))
        p.add_argument("id", type=positive_int)
        if name in ("preview", "status"):
            p.add_argument("--json", action="store_true")
    rp = with_db(msub.add_parser("report", help="Guarda el resultado del aviso en XLSX."))
    rp.add_argument("id", type=positive_int)
    rp.add_argument("--out", required=True)
    wk = with_db(msub.add_parser("worker", help="Envía los avisos en cola y revisa los rebotes."))
    wk.add_argument("--until-idle", action="store_true", help="Termina cuando no queda nada por enviar")
    wk.add_argument("--bounce-poll", type=non_negative_float, default=300.0,
                    help="Cada cuántos segundos revisar los buzones de rebotes (0 = nunca)")
    wk.add_argument("--heartbeat", type=positive_float, default=5.0)
    wk.add_argument("--backoff", type=positive_float, default=60.0, help="Espera base entre reintentos (s)")
    wk.add_argument("--idle-sleep", type=positive_float, default=1.0)
    wk.add_argument("--requests-office", default=os.environ.get("CREDENCIALIZACION_SOLICITUDES_OFICINA", ""),
                    help="Correo del Centro de Cómputo: recuerda desde aquí las solicitudes vencidas")
    wk.add_argument("--requests-head", default=os.environ.get("CREDENCIALIZACION_SOLICITUDES_JEFATURA", ""),
                    help="Correo de la jefatura a quien se escalan")
    wk.add_argument("--requests-every", type=positive_float, default=3600.0,
                    help="Cada cuántos segundos revisar las solicitudes vencidas")
    with_db(msub.add_parser("poll-bounces", help="Revisa una vez los buzones de rebotes."))
    sp = msub.add_parser("suppression", help="Lista de supresión.")
    spsub = sp.add_subparsers(dest="suppression_command", required=True)
    with_db(spsub.add_parser("list"))
    rm = with_db(spsub.add_parser("remove"))
    rm.add_argument("address")
    cd = msub.add_parser("check-domain", help="Revisa MX, SPF, DKIM y DMARC del dominio remitente (necesita DNS).")
    cd.add_argument("domain")
    cd.add_argument("--smtp-host", default="", help="Servidor SMTP de la cuenta (espera el SPF de su proveedor)")
    cd.add_argument("--nameserver", action="append", default=[], help="Servidor DNS (IP o IP:PUERTO)")
    cd.add_argument("--dkim-selector", action="append", default=[], help="Selector DKIM (p. ej. selector1)")
    cd.add_argument("--timeout", type=float, default=5.0)
    cd.add_argument("--json", action="store_true")
    dm = with_db(msub.add_parser("demo", help="Aviso de demostración con un servidor SMTP embebido."))
    dm.add_argument("--students", type=non_negative_int, default=60)


def _fail(message: str, code: int = 2) -> int:
    print(f"Error: {message}", file=sys.stderr)
    return code


def _read(path: str | None) -> str:
    if not path:
        return ""
    file = Path(path)
    if not file.is_file():
        raise FileNotFoundError(f"no existe el archivo {file}.")
    try:
        return file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise FileNotFoundError(f"el archivo {file} no está en UTF-8.") from None


def run(args, url: str, actor) -> int:
    """Dispatch ``args.mail_command``; see module docstring for exit codes."""
    from server.errors import ApiError

    try:
        return _dispatch(args, url, actor)
    except ApiError as exc:
        where = f" (campo «{exc.field}»)" if exc.field else ""
        return _fail(exc.message + where, 2 if exc.status in (400, 413, 422) else 1)
    except FileNotFoundError as exc:
        return _fail(str(exc).removeprefix("[Errno 2] "))


def _factory(url: str, migrate: bool = True):
    """Engine and sessions for ``url``. The worker does not migrate (several may start at
    once; ``serve``/``migrate`` do it): it refuses a database without the mail tables."""
    from sqlalchemy import inspect

    from server.db.engine import make_engine, make_session_factory
    from server.db.migrate import upgrade

    if migrate:
        upgrade(url)
    engine = make_engine(url, pool_size=2)
    if not migrate:
        if not inspect(engine).has_table("mail_recipients"):
            engine.dispose()
            raise FileNotFoundError("la base de datos no tiene las tablas de correo; ejecute primero "
                                    "«credencializacion-server migrate».")
        from server.mail.worker import set_sqlite_synchronous

        engine.dispose()
        set_sqlite_synchronous(engine)
    return engine, make_session_factory(engine)


def _dispatch(args, url: str, actor) -> int:
    from server.db.engine import run_transaction

    cmd = args.mail_command
    if cmd == "classify":
        from server.mail.dsn import classify
        from server.mail.states import BOUNCE_LABELS

        path = Path(args.report)
        if not path.is_file():
            return _fail(f"no existe el archivo {path}.")
        result = classify(path.read_bytes())
        if args.json:
            print(json.dumps(result.to_json(), ensure_ascii=False))
        else:
            print(f"Clase: {BOUNCE_LABELS[result.bounce_class]}\nDestinatario: {result.recipient or '—'}\n"
                  f"Estado DSN: {result.status or '—'}\nDiagnóstico: {result.diagnostic or '—'}\n"
                  f"Message-ID original: {result.message_id or '—'}")
        return 0
    if cmd == "check-domain":
        from server.mail.deliverability import check_sender_domain, make_resolver

        domain = args.domain.rsplit("@", 1)[-1]
        report = check_sender_domain(domain, args.smtp_host, make_resolver(args.nameserver, args.timeout),
                                     args.dkim_selector)
        print(json.dumps(report.to_dict(), ensure_ascii=False) if args.json else report.text())
        return 0 if report.ok else 1
    if cmd == "demo":
        from server.mail.demo import run_demo

        return run_demo(url, args.students)
    engine, factory = _factory(url, migrate=cmd != "worker")
    try:
        return _with_db(args, cmd, factory, actor, run_transaction)
    finally:
        engine.dispose()


def _with_db(args, cmd, factory, actor, run_transaction) -> int:
    from server.mail import service
    from server.mail.models import MailSender, MailSuppression

    if cmd == "sender":
        from server.mail.senders import add_sender

        if args.sender_command == "list":
            with factory() as session:
                from sqlalchemy import select

                for s in session.scalars(select(MailSender).order_by(MailSender.id)):
                    print(f"{s.name}\t{s.from_address}\t{s.host}:{s.port}\t{s.security}\t{s.auth}\t"
                          f"{s.per_minute}/min\t{s.per_day}/día\t{'activa' if s.active else 'inactiva'}")
            return 0
        options = {k: getattr(args, k) for k in ("from_name", "security", "auth", "username", "secret_env", "ca_file",
                                                 "tenant_id", "client_id", "imap_host", "imap_port", "imap_security",
                                                 "imap_username", "imap_folder", "imap_processed_folder")}
        for k in ("per_minute", "per_day", "burst"):
            if getattr(args, k) is not None:
                options[k] = getattr(args, k)
        row = run_transaction(factory, lambda s: add_sender(s, actor, args.name, args.from_address, args.host,
                                                            args.port, preset=args.preset, **options))
        print(f"Cuenta remitente «{row.name}» guardada ({row.per_minute}/min, {row.per_day}/día).")
        return 0
    if cmd == "create":
        text = _read(args.text_file)
        html = _read(args.html_file)
        if args.list_file:
            from server.mail.audience import read_list

            path = Path(args.list_file)
            if not path.is_file():
                return _fail(f"no existe el archivo {path}.")
            mapping = {}
            for item in args.map:
                column, sep, field = item.rpartition("=")
                if not sep or not column:
                    return _fail(f"asignación «{item}» inválida; use Columna=campo.")
                mapping[column.strip()] = field.strip()
            audience = read_list(path.read_bytes(), path.name, mapping)
        else:
            audience = {"kind": "students", "campuses": args.campus, "groups": args.group, "statuses": args.status}
        spec = service.CampaignSpec(name=args.name, subject=args.subject, text=text, html=html, audience=audience,
                                    sender_names=args.sender, requester_email=args.requester,
                                    bounce_wait_s=args.bounce_wait)
        campaign = run_transaction(factory, lambda s: service.create_campaign(s, actor, spec))
        print(f"Aviso {campaign.id} creado (borrador). Revise con: credencializacion-server mail preview {campaign.id}")
        return 0
    if cmd == "preview":
        result = run_transaction(factory, lambda s: service.preview(s, actor, args.id))
        if args.json:
            print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
            return 0
        print(f"{result.total} destinatarios; {len(result.invalid)} con dirección inválida; "
              f"{len(result.suppressed)} suprimidos.")
        for item in result.invalid[:50]:
            print(f"  {item['row']}: {item['message']}")
        for sample in result.samples[:3]:
            print(f"\nPara: {sample['to']}\nAsunto: {sample['subject']}\n\n{sample['text']}")
        return 0
    if cmd in ("start", "cancel", "status"):
        if cmd == "status":
            with factory() as session:
                result = service.summary(session, service.get_campaign(session, actor, args.id))
        else:
            result = run_transaction(factory, lambda s: getattr(service, cmd)(s, actor, args.id))
        if getattr(args, "json", False):
            print(json.dumps(result, ensure_ascii=False, indent=2))
            return 0
        from server.mail.states import LABELS

        counts = ", ".join(f"{LABELS[k]}: {v}" for k, v in result["counts"].items() if v)
        eta = result.get("eta_seconds")
        print(f"Aviso {result['id']} «{result['name']}»: {result['status_label']}. {counts or 'sin destinatarios'}."
              + (f" Tiempo estimado: {eta / 60:.1f} min." if eta else ""))
        return 0
    if cmd == "report":
        from server.mail.report import problem_rows, report_xlsx

        with factory() as session:
            campaign = service.get_campaign(session, actor, args.id)
            data = report_xlsx(campaign, service.summary(session, campaign), problem_rows(session, campaign.id))
        Path(args.out).write_bytes(data)
        print(f"Resultado guardado en {args.out}.")
        return 0
    if cmd == "worker":
        from server.mail.queue import QueuePolicy
        from server.mail.worker import Worker, WorkerSettings

        periodic = ()
        if args.requests_office:
            from server.requests.deadlines import worker_job

            periodic = ((args.requests_every, worker_job(args.requests_office, args.requests_head)),)
        settings = WorkerSettings(heartbeat_s=args.heartbeat, bounce_poll_s=args.bounce_poll,
                                  idle_sleep_s=args.idle_sleep, policy=QueuePolicy(backoff_base_s=args.backoff),
                                  periodic=periodic)
        worker = Worker(settings=settings, factory=factory)
        import signal

        signal.signal(signal.SIGTERM, lambda *_: worker.stop.set())
        try:
            result = worker.run(until_idle=args.until_idle)
        except KeyboardInterrupt:
            worker.stop.set()
            return 0
        print(f"Trabajador de correo detenido: {result['sent']} enviados, {result['attempts']} intentos.")
        return 0
    if cmd == "poll-bounces":
        from server.mail.worker import Worker, WorkerSettings

        worker = Worker(settings=WorkerSettings(), factory=factory)
        worker._load_senders()
        print(json.dumps(worker.poll_bounces(), ensure_ascii=False))
        return 0
    if cmd == "suppression":
        if args.suppression_command == "remove":
            run_transaction(factory, lambda s: service.remove_suppression(s, actor, args.address))
            print(f"«{args.address}» ya no está suprimida.")
            return 0
        with factory() as session:
            from sqlalchemy import select

            for row in session.scalars(select(MailSuppression).order_by(MailSuppression.created_at)):
                until = row.expires_at.strftime("%Y-%m-%d") if row.expires_at else "permanente"
                print(f"{row.address}\t{row.kind}\t{until}\t{row.reason}")
        return 0
    return 2
