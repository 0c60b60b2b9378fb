"""``credencializacion-server requests …``: requests from the command line (issue #19 item 7).

::

    requests [--db URL] [--as USUARIO] types [--json]
    requests … file TIPO --field nombre=valor [--field …]        # presenta una solicitud
    requests … list [--state S] [--type T] [--mine] [--q TEXTO] [--json]
    requests … show FOLIO [--json]
    requests … attach FOLIO --kind TIPO_DOC ARCHIVO
    requests … act FOLIO ACCION [--reason TEXTO] [--response TEXTO]
    requests … accounts FOLIO [--key-file CLAVE]                # propone las cuentas (sin contraseñas)
    requests … log [--q TEXTO] [--from ISO] [--to ISO] [--json]
    requests … export --out BITACORA.xlsx [--q …] [--from …] [--to …]
    requests … remind [--now ISO] --office CORREO [--head CORREO] [--escalate-hours N]
    requests … purge [--now ISO] [--retention-days 365] [--json]

Every command but ``types``, ``remind`` and ``purge`` acts as the named user ``--as``
(default ``$CREDENCIALIZACION_USUARIO``): their role and planteles from the users table, so
the CLI obeys exactly the rules of the API (the requester cannot approve their own
request…). ``remind`` and ``purge`` act as the server (``sistema``), for cron or a systemd
timer. Usage errors are Spanish (``Uso: …`` / ``Error: …``). Exit codes: 0 ok, 1 refused,
2 bad input.
"""
from __future__ import annotations

import json
import os
import sys
from datetime import datetime
from pathlib import Path

from station.domain.cliargs import parse_when
from station.domain.errors import UserError

USER_ENV = "CREDENCIALIZACION_USUARIO"


def add_parser(sub, with_db) -> None:
    """Register ``requests`` and its sub-commands on the server CLI's subparsers."""
    req = with_db(sub.add_parser("requests", help="Solicitudes al Centro de Cómputo."))
    req.add_argument("--as", dest="as_user", default=None, help=f"Usuario que actúa (o ${USER_ENV})")
    act = req.add_subparsers(dest="req_command", required=True,
                             metavar="{types,file,list,show,attach,act,accounts,log,export,remind,purge}")
    act.add_parser("types", help="Tipos de solicitud.").add_argument("--json", action="store_true")
    file = act.add_parser("file", help="Presenta una solicitud.")
    file.add_argument("type")
    file.add_argument("--field", action="append", default=[], help="nombre=valor (repetible)")
    file.add_argument("--json", action="store_true")
    lst = act.add_parser("list", help="Lista solicitudes.")
    lst.add_argument("--state", default=None)
    lst.add_argument("--type", default=None)
    lst.add_argument("--mine", action="store_true")
    lst.add_argument("--q", default="")
    lst.add_argument("--json", action="store_true")
    show = act.add_parser("show", help="Detalle de una solicitud.")
    show.add_argument("folio")
    show.add_argument("--json", action="store_true")
    att = act.add_parser("attach", help="Adjunta un documento.")
    att.add_argument("folio")
    att.add_argument("--kind", required=True)
    att.add_argument("file")
    step = act.add_parser("act", help="Aplica una acción: review, cancel, approve, start, complete.")
    step.add_argument("folio")
    step.add_argument("action")
    step.add_argument("--reason", default="")
    step.add_argument("--response", default="")
    acc = act.add_parser("accounts", help="Propone las cuentas de una solicitud de cuentas en proceso.")
    acc.add_argument("folio")
    acc.add_argument("--key-file", default=None, help="Clave que sella las contraseñas iniciales")
    for name, help_text in (("log", "Consulta la bitácora."), ("export", "Exporta la bitácora a XLSX.")):
        p = act.add_parser(name, help=help_text)
        p.add_argument("--q", default="")
        p.add_argument("--from", dest="start", default=None)
        p.add_argument("--to", dest="end", default=None)
        if name == "log":
            p.add_argument("--json", action="store_true")
        else:
            p.add_argument("--out", required=True)
    rem = act.add_parser("remind", help="Recuerda las solicitudes vencidas y escala a la jefatura.")
    rem.add_argument("--now", default=None)
    rem.add_argument("--office", default=os.environ.get("CREDENCIALIZACION_SOLICITUDES_OFICINA", ""))
    rem.add_argument("--head", default=os.environ.get("CREDENCIALIZACION_SOLICITUDES_JEFATURA", ""))
    rem.add_argument("--escalate-hours", default="24")
    pur = act.add_parser("purge", help="Elimina documentos y bitácora con más antigüedad que la retención.")
    pur.add_argument("--now", default=None)
    pur.add_argument("--retention-days", default="365")
    pur.add_argument("--json", action="store_true")


class UsageError(UserError):
    """Bad input on the command line (exit 2): Spanish ``message``."""

    code = "usage_error"


def _when(text: str | None, name: str) -> datetime | None:
    try:
        return parse_when(text, name)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def _count(text: str, name: str, low: int = 1) -> int:
    if not (text.isascii() and text.isdigit()) or int(text) < low or int(text) > 100_000:
        raise UsageError(f"{name}: «{text}» debe ser un número entero entre {low} y 100000.")
    return int(text)


def _fields(pairs: list[str]) -> dict:
    out: dict = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--field «{pair}»: use nombre=valor.")
        out[name.strip()] = value
    return out


def _actor(factory, username: str | None):
    from sqlalchemy import select

    from station.domain import Actor, Role

    from server.db.models import User

    username = username or os.environ.get(USER_ENV, "")
    if not username:
        raise UsageError(f"Indique el usuario que actúa con --as USUARIO (o ${USER_ENV}).")
    with factory() as session:
        user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        raise UsageError(f"El usuario «{username}» no existe o está desactivado.")
    return Actor(user.username, Role(user.role), frozenset(user.campuses or ()), "cli"), user.display_name


def _print_detail(detail: dict, as_json: bool) -> None:
    if as_json:
        print(json.dumps(detail, ensure_ascii=False, indent=2))
        return
    print(f"{detail['folio']}\t{detail['type_label']}\t{detail['state_label']}\t{detail['requester']}"
          f"\tvence {detail['due_at'][:16]}{'  (VENCIDA)' if detail['overdue'] else ''}")
    for name, value in detail.get("fields", {}).items():
        print(f"  {name}: {value}")
    for a in detail.get("attachments", []):
        print(f"  documento {a['id']}: {a['kind']} {a['filename']} ({a['content_type']}, {a['size']} bytes)")
    for t in detail.get("timeline", []):
        print(f"  {t['at'][:19]}  {t['actor']}  {t['action']}  {t['from_state'] or ''}→{t['to_state'] or ''}  "
              f"{t['note']}")
    if detail.get("allowed_actions"):
        print("  acciones posibles: " + ", ".join(detail["allowed_actions"]))


def run(args, url: str) -> int:
    """Run the ``requests`` command of ``args`` against ``url``; returns the exit code.
    Refusals (:class:`server.errors.ApiError`) propagate to the CLI's handler (exit 1)."""
    try:
        return _run(args, url)
    except UsageError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2


def _run(args, url: str) -> int:
    from server.db.engine import make_engine, make_session_factory, run_transaction
    from server.requests import attachments, bitacora, deadlines
    from server.requests import service as svc
    from server.requests.settings import RequestSettings
    from server.services.students import utcnow
    from station.domain.requests import REQUEST_TYPES

    command = args.req_command
    if command == "types":
        types = [t.to_dict() for t in REQUEST_TYPES.values()]
        if args.json:
            print(json.dumps(types, ensure_ascii=False, indent=2))
        else:
            for t in types:
                docs = ", ".join(a["kind"] + ("*" if a["required"] else "") for a in t["attachments"])
                print(f"{t['code']}\t{t['label']}\t{t['service_hours']} h\tdocumentos: {docs}")
        return 0
    # validate every option before touching the database
    now = _when(getattr(args, "now", None), "--now") or utcnow()
    start, end = _when(getattr(args, "start", None), "--from"), _when(getattr(args, "end", None), "--to")
    settings = RequestSettings()
    if command == "remind":
        if not args.office:
            raise UsageError("Indique el correo del Centro de Cómputo con --office (o "
                             "$CREDENCIALIZACION_SOLICITUDES_OFICINA).")
        settings = RequestSettings(office_email=args.office, head_email=args.head,
                                   escalate_after_hours=_count(args.escalate_hours, "--escalate-hours"))
    if command == "purge":
        settings = RequestSettings(retention_days=_count(args.retention_days, "--retention-days"))
    fields = _fields(args.field) if command == "file" else {}
    data = None
    if command == "attach":
        path = Path(args.file)
        if not path.is_file():
            raise UsageError(f"No existe el archivo {path}.")
        if path.stat().st_size > settings.max_attachment_bytes:
            print(f"Error: el archivo supera el máximo de {settings.max_attachment_bytes // (1024 * 1024)} MB.",
                  file=sys.stderr)
            return 1
        data = path.read_bytes()

    from server.db.migrate import upgrade

    upgrade(url)
    engine = make_engine(url, pool_size=2)
    factory = make_session_factory(engine)
    tx = lambda work: run_transaction(factory, work)  # noqa: E731
    try:
        if command == "remind":
            report = tx(lambda s: deadlines.remind(s, settings, now))
            print(json.dumps(report, ensure_ascii=False, indent=2))
            return 0
        if command == "purge":
            report = tx(lambda s: bitacora.purge(s, now, settings.retention_days))
            if args.json:
                print(json.dumps(report, ensure_ascii=False, indent=2))
            else:
                print(f"Depuración al {report['now'][:10]} (retención {report['retention_days']} días, corte "
                      f"{report['cutoff'][:10]}): {report['attachments']} documento(s) "
                      f"({report['attachment_bytes']} bytes), {report['log_entries']} entrada(s) de bitácora y "
                      f"{report['requests']} solicitud(es) cerrada(s) eliminados; {report['kept_open']} solicitud(es) "
                      f"abierta(s) conservadas. Folios: {', '.join(report['folios']) or 'ninguno'}.")
            return 0
        actor, display = _actor(factory, args.as_user)
        if command == "file":
            detail = tx(lambda s: svc.detail(s, actor, svc.file_request(s, actor, args.type, fields, settings,
                                                                         display, now)))
            _print_detail(detail, args.json)
            return 0
        if command == "list":
            result = tx(lambda s: svc.list_requests(s, actor, args.state, args.type, args.mine, args.q, 500, 0, now))
            if args.json:
                print(json.dumps(result, ensure_ascii=False, indent=2))
            else:
                for item in result["items"]:
                    print(f"{item['folio']}\t{item['state_label']}\t{item['type_label']}\t{item['requester']}"
                          f"{'  (VENCIDA)' if item['overdue'] else ''}")
                print(f"{result['total']} solicitud(es).")
            return 0
        if command == "show":
            _print_detail(tx(lambda s: svc.detail(s, actor, svc.get_request(s, actor, args.folio), now)), args.json)
            return 0
        if command == "attach":
            from server.keys import load_master_keys

            keys = load_master_keys()
            row = tx(lambda s: attachments.add(s, actor, args.folio, args.kind, Path(args.file).name, data, keys,
                                               settings, now))
            print(f"Documento {row.id} adjuntado a {args.folio}: {row.kind} {row.filename} ({row.content_type}).")
            return 0
        if command == "act":
            detail = tx(lambda s: svc.detail(s, actor, svc.act(s, actor, args.folio, args.action, settings,
                                                                args.reason, args.response, now)))
            print(f"{detail['folio']}: {detail['state_label']}.")
            return 0
        if command == "accounts":
            from server.accounts.passwords import Sealer, load_key
            from server.keys import load_master_keys
            from server.requests.accounts_link import propose_for_request

            keys, sealer = load_master_keys(), Sealer(load_key(Path(args.key_file) if args.key_file else None))
            result = tx(lambda s: propose_for_request(s, actor, args.folio, keys, sealer, now))
            for account in result["accounts"]:
                print(f"{account['address']}\t{account['name']}\t{account['status']}")
            print(f"Lote {result['batch']}: {result['count']} cuenta(s) propuesta(s) para {args.folio}.")
            return 0
        if command in ("log", "export"):
            entries = tx(lambda s: bitacora.search(s, actor, args.q, start, end, limit=None))
            if command == "export":
                out = Path(args.out)
                out.write_bytes(bitacora.to_xlsx(entries))
                print(f"Bitácora exportada: {out} ({len(entries)} entradas).")
            elif args.json:
                print(json.dumps([bitacora.entry_dict(e) for e in entries], ensure_ascii=False, indent=2))
            else:
                for e in entries:
                    d = bitacora.entry_dict(e)
                    print(f"{d['at'][:19]}\t{d['folio']}\t{d['actor']}\t{d['action_label']}\t{d['note']}")
            return 0
    finally:
        engine.dispose()
    return 2
