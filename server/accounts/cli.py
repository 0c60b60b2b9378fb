"""``credencializacion-server accounts …`` (issue 20 item 7).

::

    accounts rule KIND --domain D [--template T] [--campus C] [--org-unit P] [--sign-in-url U]
    accounts directory FILE                     # the tenant's directory export
    accounts preview --campus C                 # addresses that would be proposed (nothing saved)
    accounts list --campus C --kind staff|graduate FILE   # propose from an attached list
    accounts export --campus C --format m365|entra|google|oneroster11|oneroster12 --out FOLDER [--kind K]
    accounts import --campus C FILE             # accounts created in the tenant

``export`` first proposes addresses for the plantel's students lacking one,
then writes the checked files of every open proposal into FOLDER (created
with mode 0700; the files hold initial passwords — delete them once the
tenant has them). The CLI acts as the systems role for the given plantel and
is audited as ``cli:<OS user>``. Exit codes: 0 ok, 1 refused, 2 bad input.
"""
from __future__ import annotations

import getpass
import json
import os
import sys
from pathlib import Path

from station.domain import Actor, Role

from server.accounts.exports import FORMATS
from server.accounts.naming import KINDS


def add_parser(sub) -> None:
    """Add the ``accounts`` sub-command to the server CLI's sub-parsers."""
    acc = sub.add_parser("accounts", help="Cuentas de correo institucional.")
    acc.add_argument("--db", default=None, help="URL de la base de datos")
    acc.add_argument("--key-file", default=None, help="Clave que sella las contraseñas iniciales")
    act = acc.add_subparsers(dest="action", required=True)
    rule = act.add_parser("rule", help="Define la regla de nombres de un tipo de cuenta.")
    rule.add_argument("kind", choices=KINDS)
    rule.add_argument("--domain", required=True)
    rule.add_argument("--template", default=None)
    rule.add_argument("--campus", default="")
    rule.add_argument("--org-unit", default=None)
    rule.add_argument("--sign-in-url", default=None)
    directory = act.add_parser("directory", help="Carga la exportación del directorio del inquilino.")
    directory.add_argument("file")
    preview = act.add_parser("preview", help="Muestra las direcciones que se propondrían.")
    preview.add_argument("--campus", required=True)
    people = act.add_parser("list", help="Propone cuentas para una lista de personal o egresados.")
    people.add_argument("--campus", required=True)
    people.add_argument("--kind", required=True, choices=["staff", "graduate", "workplace"])
    people.add_argument("file")
    export = act.add_parser("export", help="Exporta las cuentas por crear.")
    export.add_argument("--campus", required=True)
    export.add_argument("--format", required=True, choices=sorted(FORMATS))
    export.add_argument("--out", required=True)
    export.add_argument("--kind", default=None, choices=KINDS)
    imp = act.add_parser("import", help="Importa las cuentas creadas en el inquilino.")
    imp.add_argument("--campus", required=True)
    imp.add_argument("file")


def _actor(campus: str = "") -> Actor:
    try:
        who = getpass.getuser()
    except Exception:  # pragma: no cover - no login name
        who = "desconocido"
    role = Role.SYSTEMS if campus else Role.ADMIN
    return Actor(f"cli:{who}", role, frozenset({campus}) if campus else frozenset(), station_id="cli")


def _read(path: str) -> tuple[bytes, str] | None:
    file = Path(path)
    if not file.is_file():
        print(f"Error: no existe el archivo {file}.", file=sys.stderr)
        return None
    return file.read_bytes(), file.name


def run(args, url: str, run_tx) -> int:
    """Run the ``accounts`` action of ``args`` against ``url``; ``run_tx(url, work)`` runs one transaction."""
    from server.accounts import service as svc
    from server.accounts.files import FileProblem, read_people
    from server.accounts.passwords import Sealer, load_key

    def seal() -> Sealer:
        return Sealer(load_key(Path(args.key_file) if args.key_file else None))

    if args.action == "rule":
        rule = run_tx(url, lambda s: svc.set_rule(s, _actor(args.campus), args.kind, args.domain, args.template,
                                                  args.campus, args.org_unit, args.sign_in_url))
        print(f"Regla de {args.kind}: {rule.template}@{rule.domain}")
        return 0
    if args.action == "directory":
        read = _read(args.file)
        if read is None:
            return 2
        new = run_tx(url, lambda s: svc.load_directory(s, _actor(), *read))
        print(f"Directorio cargado: {new} direcciones nuevas.")
        return 0
    if args.action == "preview":
        for p in run_tx(url, lambda s: svc.preview_campus(s, _actor(args.campus), args.campus)):
            mark = "  (colisión)" if p.collided else ""
            print(f"{p.person.key}\t{p.address}{mark}")
        return 0
    if args.action == "list":
        read = _read(args.file)
        if read is None:
            return 2
        try:
            people = read_people(read[0], read[1], args.kind, args.campus)
        except FileProblem as exc:
            print(f"Error: {exc.message}", file=sys.stderr)
            return 2
        sealer = seal()
        batch_id = run_tx(url, lambda s: svc.propose(s, _actor(args.campus), people, args.campus, sealer,
                                                     source=f"lista:{read[1]}").id)
        print(f"Lote {batch_id}: {len(people)} cuentas propuestas.")
        return 0
    if args.action == "export":
        sealer = seal()
        out = Path(args.out)

        def work(session):
            actor = _actor(args.campus)
            if args.kind in (None, "student"):
                svc.propose_campus(session, actor, args.campus, sealer)
            proposals = svc.open_proposals(session, actor, args.campus, args.kind)
            return svc.export(session, actor, args.campus, proposals, args.format, sealer)

        files = run_tx(url, work)
        out.mkdir(parents=True, exist_ok=True, mode=0o700)
        for produced in files:
            target = out / produced.name
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(produced.data)
            print(f"{target}\t{produced.rows} filas")
        return 0
    if args.action == "import":
        read = _read(args.file)
        if read is None:
            return 2
        sealer = seal()
        report = run_tx(url, lambda s: svc.import_created(s, _actor(args.campus), args.campus, *read, sealer))
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        return 0 if not report.unmatched and not report.refused else 1
    return 2
