"""A private Dovecot IMAP server for tests (Debian's ``dovecot-imapd``, installed by ``.ci/run``).

:func:`start_dovecot` writes a configuration into a fresh folder, starts
``dovecot -F`` (foreground, not a daemon) listening on 127.0.0.1 at a free
port with STARTTLS (certificate from :func:`server.mail.sink.make_test_ca`),
one user with a plain-text password, Maildir storage, and returns a handle
whose ``stop()`` ends the process and removes the folder.
"""
from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from server.mail.sink import make_test_ca

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"


@dataclass
class Dovecot:
    """A running instance: ``port``, ``user``, ``password``, ``ca_file``, ``folder``."""

    process: subprocess.Popen
    port: int
    user: str
    password: str
    ca_file: str
    folder: Path

    def stop(self) -> None:
        """Terminate the server and delete its folder."""
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)
        shutil.rmtree(self.folder, ignore_errors=True)

    def log(self) -> str:
        path = self.folder / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""


def available() -> bool:
    """True when the dovecot binary is installed."""
    return os.path.exists(DOVECOT)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_dovecot(user: str = "rebotes@conalepmex.edu.mx", password: str = "secreto-imap") -> Dovecot:
    """Start the instance (see module docstring). Raises ``RuntimeError`` with the log when it does not come up."""
    folder = Path(tempfile.mkdtemp(prefix="dovecot-test-"))
    os.chmod(folder, 0o755)
    cert, key, ca = make_test_ca(folder / "tls")
    os.chmod(key, 0o600)
    mail_user = "dovecot"
    try:
        info = pwd.getpwnam(mail_user)
        uid, gid = info.pw_uid, info.pw_gid
    except KeyError:  # not root / no dovecot user: run mail processes as ourselves
        uid, gid = os.getuid(), os.getgid()
        mail_user = pwd.getpwuid(uid).pw_name
    home = folder / "home"
    home.mkdir()
    os.chown(home, uid, gid)
    (folder / "passwd").write_text(f"{user}:{{PLAIN}}{password}::::::\n")
    port = _free_port()
    dh = "/usr/share/dovecot/dh.pem"
    config = f"""
base_dir = {folder}/run
state_dir = {folder}/state
log_path = {folder}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = required
ssl_cert = <{cert}
ssl_key = <{key}
{"ssl_dh = <" + dh if os.path.exists(dh) else ""}
disable_plaintext_auth = yes
auth_mechanisms = plain login
first_valid_uid = 1
default_internal_user = {"dovecot" if os.getuid() == 0 else mail_user}
default_login_user = {"dovenull" if os.getuid() == 0 else mail_user}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {folder}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={home}/%n
}}
mail_location = maildir:~/Maildir
namespace inbox {{
  inbox = yes
  separator = /
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""
    (folder / "dovecot.conf").write_text(config)
    process = subprocess.Popen([DOVECOT, "-F", "-c", str(folder / "dovecot.conf")], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    instance = Dovecot(process, port, user, password, ca, folder)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            err = process.stderr.read().decode(errors="replace") if process.stderr else ""
            shutil.rmtree(folder, ignore_errors=True)
            raise RuntimeError(f"Dovecot no arrancó: {err}\n{instance.log()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
                if sock.recv(100).startswith(b"* OK"):
                    return instance
        except OSError:
            time.sleep(0.1)
    instance.stop()
    raise RuntimeError("Dovecot no respondió en 20 s.\n" + instance.log())
