"""Command line of the documents: ``card``, ``verify-qr`` and ``report``.

Each ``*_main(argv)`` returns the exit code: 0 success (for ``verify-qr``:
every QR found is valid), 1 refused (invalid credential, unknown matrícula,
student without biometrics), 2 bad input (arguments, unreadable file,
configuration, keyring). Messages are Spanish; no tracebacks on bad input.
"""
from __future__ import annotations

import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Sequence

from station.domain.cliargs import SpanishArgumentParser

EXIT_OK, EXIT_REFUSED, EXIT_INPUT = 0, 1, 2

_Parser = SpanishArgumentParser


def _err(message: str) -> None:
    print(f"Error: {message}", file=sys.stderr)


def _config():
    """The station configuration, or ``None`` if the module or file is unusable."""
    try:
        from station.config import load_config

        return load_config()
    except ImportError:
        return None
    except ValueError as exc:  # ConfigError
        _err(str(exc))
        return None


def _write(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` whole or not at all (side file, fsync, rename); Spanish error on failure."""
    import os

    if path.is_dir():
        _err(f"{path} es una carpeta; indique el nombre del archivo a crear.")
        return False
    partial = path.with_name(path.name + ".parcial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(partial, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(partial, path)
    except OSError as exc:
        try:
            partial.unlink(missing_ok=True)
        except OSError:
            pass
        _err(f"No se pudo escribir {path}: {exc.strerror or exc}.")
        return False
    return True


# --------------------------------------------------------------------------- card

def card_main(argv: Sequence[str], source=None) -> int:
    """``credencializacion card (MATRICULA | --sample | --group GRUPO) --out FILE.pdf``.

    MATRICULA and ``--group`` print from the local cache (``source``: a
    :class:`station.documents.source.CardSource`; default the configured
    :class:`station.store.LocalStore`) signed with the station key, and log
    each print (reprint counter + audit event). ``--sample`` prints the
    built-in sample student, signed with a throw-away key under station id
    ``MUESTRA`` (never valid), for printer alignment.
    """
    parser = _Parser(prog="credencializacion card", description="Genera la credencial temporal en PDF "
                     "(tamaño real CR80, frente y reverso, con marcas de corte).")
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("matricula", nargs="?", help="Matrícula del alumno (p. ej. 180010051-1).")
    what.add_argument("--sample", action="store_true", help="Credencial de muestra para alinear la impresora.")
    what.add_argument("--group", metavar="GRUPO", help="Todas las credenciales de un grupo (p. ej. 102-ELIN18).")
    parser.add_argument("--campus", metavar="PLANTEL", help="Clave del plantel del grupo (p. ej. 001).")
    parser.add_argument("--out", required=True, type=Path, metavar="ARCHIVO.pdf", help="PDF a crear.")
    parser.add_argument("--station-id", help="Identificador de esta estación (por omisión, el configurado).")
    args = parser.parse_args(list(argv))

    from station.documents.credential import CredentialError, credentials_pdf, make_card

    if args.sample:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        from station.documents.qr_payload import SAMPLE_STATION_ID
        from station.documents.sample import sample_photo_jpeg, sample_signature_png, sample_student

        card = make_card(sample_student(), sample_photo_jpeg(), sample_signature_png(),
                         Ed25519PrivateKey.generate(), SAMPLE_STATION_ID, sample=True)
        if not _write(args.out, credentials_pdf([card], title="Credencial de muestra")):
            return EXIT_INPUT
        print(f"Credencial de MUESTRA guardada en {args.out}. Imprímala al 100 % y compare con las marcas de corte.")
        return EXIT_OK

    from station.documents.source import CardSourceError

    config = _config()
    station_id = args.station_id or (config.station_id if config else "")
    if not station_id:
        _err("Esta estación no tiene identificador (station_id) configurado; regístrela o use --station-id.")
        return EXIT_INPUT
    try:
        from station.secrets import SecretStoreError, get_or_create_signing_key

        key = get_or_create_signing_key(station_id)
        if source is None:
            source = _store_source(config)
    except SecretStoreError as exc:
        _err(str(exc))
        return EXIT_INPUT
    except Exception as exc:  # store cannot open: missing module, locked or corrupt file
        _err(f"No se pudo abrir el padrón local de la estación: {exc}")
        return EXIT_INPUT
    try:
        if args.group:
            matriculas = source.group_matriculas(args.group, args.campus)
            if not matriculas:
                _err(f"El grupo {args.group} no tiene alumnos con fotografía y firma en esta estación.")
                return EXIT_REFUSED
        else:
            matriculas = [args.matricula.strip()]
        now = datetime.now(timezone.utc)
        cards = []
        for matricula in matriculas:
            inputs = source.load_card_inputs(matricula)
            cards.append(make_card(inputs.student, inputs.photo_jpeg, inputs.signature_png, key, station_id, now,
                                   valid_days=config.temporary_valid_days if config else 90))
        title = f"Credenciales temporales grupo {args.group}" if args.group else f"Credencial temporal {matriculas[0]}"
        pdf = credentials_pdf(cards, title=title)
        # Write first, then count: a PDF that could not be written is not a print (issue 14 §7).
        if not _write(args.out, pdf):
            return EXIT_INPUT
        for matricula in matriculas:
            source.record_print(matricula)
    except (CardSourceError, CredentialError) as exc:
        _err(str(exc))
        return EXIT_REFUSED
    plural = "credenciales" if len(cards) > 1 else "credencial"
    print(f"{len(cards)} {plural} temporal{'es' if len(cards) > 1 else ''} guardada{'s' if len(cards) > 1 else ''} "
          f"en {args.out}.")
    return EXIT_OK


def _store_source(config):
    """A :class:`StoreCardSource` on the configured local store."""
    from station.documents.source import StoreCardSource
    from station.store import LocalStore

    if config is None:
        raise RuntimeError("no hay configuración de la estación")
    return StoreCardSource(LocalStore.open_configured(config))


# --------------------------------------------------------------------------- verify-qr

def known_trust(keys_file: Path | None, station_id: str, config=None):
    """Known station keys and revocations (:class:`station.documents.keys.Trust`):
    ``keys_file`` (default ``<data_dir>/station_keys.json``, synced from the
    server) plus this station's own key when ``station_id`` is known. Raises
    :class:`station.documents.keys.KeysFileError` on a malformed file."""
    from station.documents.keys import known_keys_path, load_trust, own_key_info

    if keys_file is None and config is not None:
        keys_file = known_keys_path(config.data_dir)
    trust = load_trust(keys_file)
    own = own_key_info(station_id)
    if own is not None and own.key_id not in trust.keys:
        trust.keys[own.key_id] = own
    return trust


#: ``verify-qr`` verdict words per refusal code (the issue's five outcomes, plus format/sample).
VERDICTS = {"unknown_key": "CLAVE DESCONOCIDA", "expired": "VENCIDA", "revoked": "REVOCADA", "altered": "ALTERADA",
            "future": "ALTERADA", "format": "NO RECONOCIDA", "sample": "MUESTRA"}


def verify_main(argv: Sequence[str]) -> int:
    """``credencializacion verify-qr ARCHIVO [--keys FILE] [--station-id ID]``.

    Decodes every QR in the image/PDF and checks each signed payload against
    the known station keys and revocation list (see :func:`known_trust`);
    on a PDF the embedded photo is checked against the signed digest. Prints
    for each: VÁLIDA, CLAVE DESCONOCIDA, VENCIDA, REVOCADA or ALTERADA, and
    always the name and vigencia for comparison with the card. Exit 0 only
    when at least one QR was found and all are valid; 1 when any is not;
    2 on unreadable input or no QR.
    """
    parser = _Parser(prog="credencializacion verify-qr",
                     description="Verifica la firma del código QR de una credencial (imagen o PDF).")
    parser.add_argument("archivo", type=Path, help="Imagen (PNG, JPG…) o PDF de la credencial.")
    parser.add_argument("--keys", type=Path, metavar="ARCHIVO.json",
                        help="Claves públicas conocidas (por omisión, las sincronizadas).")
    parser.add_argument("--station-id", help="Identificador de esta estación (por omisión, el configurado).")
    args = parser.parse_args(list(argv))

    from station.documents.decode import DecodeInputError, read_card
    from station.documents.keys import KeysFileError
    from station.documents.qr_payload import QrPayloadError, photo_digest, verify_payload

    config = _config() if (args.keys is None or not args.station_id) else None
    station_id = args.station_id or (config.station_id if config else "")
    try:
        trust = known_trust(args.keys, station_id, config)
        scans = read_card(args.archivo)
    except (DecodeInputError, KeysFileError) as exc:
        _err(str(exc))
        return EXIT_INPUT
    found = [(text, scan.photos) for scan in scans for text in scan.texts]
    all_valid = True
    for i, (text, photos) in enumerate(found, start=1):
        prefix = f"[{i}] " if len(found) > 1 else ""
        try:
            p = verify_payload(text, trust.keys, revocations=trust.revocations)
            if photos:  # a PDF: the signed photo must be one of those printed on the page
                match = next((ph for ph in photos if photo_digest(ph) == p.photo), photos[0])
                p = verify_payload(text, trust.keys, revocations=trust.revocations, photo_jpeg=match)
        except QrPayloadError as exc:
            all_valid = False
            print(f"{prefix}{VERDICTS.get(exc.code, 'NO VÁLIDA')}: {exc}")
            if exc.payload is not None:
                _print_payload(exc.payload, "    (datos sin verificar) ")
            continue
        info = trust.keys[p.key_id]
        photo_note = ("la foto impresa corresponde a la firmada" if photos else
                      "compare la foto y el nombre con la persona (la foto solo se comprueba en el PDF)")
        print(f"{prefix}VÁLIDA: firma correcta de la estación {info.station_id}; {photo_note}.")
        _print_payload(p, "    ")
    return EXIT_OK if all_valid else EXIT_REFUSED


def _print_payload(p, indent: str) -> None:
    print(f"{indent}Nombre: {p.full_name} · Vigencia: {p.valid_until:%d/%m/%Y}")
    print(f"{indent}Matrícula: {p.matricula} · CURP: {p.curp} · Emitida: {p.issued_at.astimezone():%d/%m/%Y %H:%M}"
          f" · Clave: {p.key_id}")


# --------------------------------------------------------------------------- report

def report_main(argv: Sequence[str], store=None) -> int:
    """``credencializacion report --out FILE.(pdf|xlsx) [--campus CLAVE …] [--students CLAVE] [--sample]``.

    Without ``--students``: the status report of manual §6 (PDF or XLSX by
    the file extension). With ``--students CLAVE``: the student list of that
    plantel (XLSX). Data come from the local store (``store`` or the
    configured one), or from built-in demo data with ``--sample``.
    """
    parser = _Parser(prog="credencializacion report",
                     description="Exporta el reporte de estatus por plantel (PDF/XLSX) o la lista de alumnos (XLSX).")
    parser.add_argument("--out", required=True, type=Path, metavar="ARCHIVO", help="Archivo .pdf o .xlsx a crear.")
    parser.add_argument("--campus", action="append", default=[], metavar="CLAVE",
                        help="Limitar a este plantel (se puede repetir).")
    parser.add_argument("--students", metavar="CLAVE", help="Exportar la lista de alumnos de este plantel (XLSX).")
    parser.add_argument("--sample", action="store_true", help="Usar datos de demostración.")
    args = parser.parse_args(list(argv))
    fmt = args.out.suffix.lower().lstrip(".")
    if fmt not in ("pdf", "xlsx") or (args.students and fmt != "xlsx"):
        _err("El archivo de salida debe terminar en .xlsx" + ("" if args.students else " o .pdf") + ".")
        return EXIT_INPUT

    from station.documents.report_pdf import status_report_pdf
    from station.domain.xlsx import status_report_xlsx, student_list_xlsx

    if args.sample:
        students, report = _sample_data(args.campus)
        students = [s for s in students if s.campus_code == args.students] if args.students else []
    else:
        try:
            if store is None:
                from station.store import LocalStore

                config = _config()
                if config is None:
                    _err("No hay configuración de la estación para abrir el padrón local.")
                    return EXIT_INPUT
                store = LocalStore.open_configured(config)
        except Exception as exc:  # keyring, locked or corrupt file
            _err(f"No se pudo abrir el padrón local de la estación: {exc}")
            return EXIT_INPUT
        report = store.status_report(args.campus or None)
        students = store.find_students(campus=args.students) if args.students else []
    if args.students:
        names = {s.campus_name for s in students}
        if not students:
            _err(f"No hay alumnos del plantel {args.students}.")
            return EXIT_REFUSED
        data = student_list_xlsx(students, names.pop() if len(names) == 1 else args.students)
    else:
        data = status_report_pdf(report) if fmt == "pdf" else status_report_xlsx(report)
    if not _write(args.out, data):
        return EXIT_INPUT
    print(f"Archivo guardado en {args.out}.")
    return EXIT_OK


def _sample_data(campuses: list[str]):
    from collections import Counter

    from station.domain.demo import DEMO_STATUS_MIX, generate_students, make_campuses
    from station.domain.report import build_status_report

    students = list(generate_students(1500, make_campuses(3), statuses=DEMO_STATUS_MIX))
    if campuses:
        students = [s for s in students if s.campus_code in campuses]
    counts = Counter((s.campus_code, s.campus_name, s.status) for s in students)
    report = build_status_report([(code, name, status, n) for (code, name, status), n in counts.items()])
    return students, report
