"""argparse in Spanish through its gettext catalog (issue 12 item 7): every command of
``credencializacion`` and ``credencializacion-server`` answers a usage error with
``Uso: …`` / ``Error: …`` in Spanish and exit code 2, whatever the process locale; the
shipped ``argparse.mo`` is the compilation of ``argparse.po``; argparse users outside our
CLIs (pytest, benchmarks) stay as they were."""
from __future__ import annotations

import argparse
import gettext
import re
import shutil
import subprocess

import pytest

from app.cli import SUBCOMMANDS
from app.cli import main as station_cli
from server.cli import main as server_cli
from station.domain.cliargs import CATALOG, LOCALE_DIR, SpanishArgumentParser

ENGLISH = re.compile(r"\b(usage|unrecognized|required|invalid|expected|arguments?|choose)\b", re.I)

#: Every server command and sub-command, each with an option nobody has.
SERVER_COMMANDS = [
    ["serve"], ["migrate"], ["create-user", "ana", "--role", "operator"], ["import-sae", "x.csv"],
    ["print-order", "list"], ["station", "revoke", "EST-1"], ["keys", "rotate"], ["demo-data"],
    ["accounts", "list"], ["mail", "sender", "list"], ["biometrics", "delete", "180010051-1", "--motivo", "folio 1"],
]


@pytest.fixture
def english_locale(monkeypatch, tmp_path):
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.setenv(name, "en_US.UTF-8")
    monkeypatch.setenv("CREDENCIALIZACION_HOME", str(tmp_path))


def server(argv: list[str]) -> int:
    """``credencializacion-server argv``'s exit code (SystemExit or returned)."""
    try:
        return server_cli(argv)
    except SystemExit as exc:
        return exc.code


def spanish_usage_error(text: str) -> bool:
    return "Uso:" in text and "Error:" in text and not ENGLISH.search(text.split("Error:", 1)[1])


@pytest.mark.parametrize("name", sorted(SUBCOMMANDS))
def test_every_station_command_refuses_an_unknown_option_in_spanish(english_locale, capsys, name):
    code = station_cli([name, "--opcion-que-no-existe"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert spanish_usage_error(err), err


def test_station_self_check_and_help_in_spanish(english_locale, capsys):
    assert station_cli(["--self-check", "--nada"]) == 2
    assert spanish_usage_error(capsys.readouterr().err)
    assert station_cli(["sync", "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Uso: ") and "Opciones:" in out and "Muestra esta ayuda y termina." in out


@pytest.mark.parametrize("argv", SERVER_COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_every_server_command_refuses_an_unknown_option_in_spanish(english_locale, capsys, argv):
    code = server([*argv, "--opcion-que-no-existe"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert spanish_usage_error(err), err
    assert "opciones no reconocidas: --opcion-que-no-existe" in err or "faltan los argumentos" in err, err


@pytest.mark.parametrize("argv, words", [
    ([], "faltan los argumentos: COMANDO"),
    (["servir"], "opción no válida: 'servir'"),
    (["serve", "--port", "ochenta"], "«ochenta» no es un número"),
    (["print-order", "advance", "uno"], "«uno» no es un número entero"),
    (["keys"], "faltan los argumentos: ACCIÓN"),
    (["create-user", "ana", "--role", "rey"], "opción no válida: 'rey'"),
])
def test_server_usage_errors_say_what_is_wrong(english_locale, capsys, argv, words):
    code = server(argv)
    err = capsys.readouterr().err
    assert code == 2 and words in err and spanish_usage_error(err), err


def test_other_argparse_users_stay_untouched():
    parser = SpanishArgumentParser(prog="prueba")
    parser.add_argument("--n", type=float)
    with pytest.raises(SystemExit):
        parser.parse_args(["--n", "nan"])  # type=float goes through finite_float
    assert argparse._ is gettext.gettext and argparse.ngettext is gettext.ngettext
    plain = argparse.ArgumentParser(prog="otro")
    assert plain.format_usage().startswith("usage: ")
    assert plain.parse_args([]) is not None


def test_shipped_catalog_is_the_compiled_po(tmp_path):
    po = LOCALE_DIR / "es" / "LC_MESSAGES" / "argparse.po"
    assert CATALOG.gettext("usage: ") == "Uso: "
    if shutil.which("msgfmt") is None:
        pytest.skip("GNU msgfmt is not installed")
    fresh = tmp_path / "es" / "LC_MESSAGES" / "argparse.mo"
    fresh.parent.mkdir(parents=True)
    subprocess.run(["msgfmt", "--check-format", "-o", str(fresh), str(po)], check=True)
    rebuilt = gettext.translation("argparse", localedir=tmp_path, languages=["es"])
    assert rebuilt._catalog == CATALOG._catalog, "run python -m ui.i18n --update"


def test_catalog_covers_every_argparse_string():
    """Every msgid argparse of this Python asks for has a Spanish translation."""
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(argparse))
    wanted = {node.args[0].value for node in ast.walk(tree)
              if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "ngettext")
              and node.args and isinstance(node.args[0], ast.Constant)}
    assert wanted
    missing = [m for m in wanted if CATALOG.gettext(m) == m and m not in ("%(heading)s:", "%(prog)s: error: %(message)s\n")]
    assert not missing, missing
