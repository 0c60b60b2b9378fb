"""Server settings (one immutable object per app; see :func:`server.app.create_app`)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta


@dataclass(frozen=True)
class ServerSettings:
    """Tunables of the central server.

    - ``token_ttl``: lifetime of a bearer token (default 12 h, one work day).
    - ``login_window`` and the three limits: failed sign-ins counted in the
      window per (user, address) pair, per user and per address; reaching a
      limit answers 429 ``too_many_attempts`` with ``Retry-After`` seconds.
    - ``argon2_*``: parameters for *new* hashes (verification uses the ones
      stored in each hash). Defaults follow RFC 9106's second recommended
      option (t=3, 64 MiB, p=4); tests use cheap ones.
    - ``allowed_semesters``: semesters eligible for credentialing (manual §7
      "semestres permitidos").
    - ``max_upload_bytes``: largest SAE file accepted over HTTP.
    """

    token_ttl: timedelta = timedelta(hours=12)
    login_window: timedelta = timedelta(minutes=15)
    login_limit_pair: int = 5
    login_limit_user: int = 20
    login_limit_address: int = 50
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536
    argon2_parallelism: int = 4
    allowed_semesters: tuple[int, ...] = (1, 2, 3, 4, 5, 6)
    max_upload_bytes: int = 200 * 1024 * 1024
    page_size_max: int = 500
    extra: dict = field(default_factory=dict, compare=False)


#: Cheap hashing for tests and demos on a 2-core machine (never for production data).
FAST_TEST_SETTINGS = ServerSettings(argon2_time_cost=1, argon2_memory_kib=1024, argon2_parallelism=1)
