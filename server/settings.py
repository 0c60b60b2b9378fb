"""Server settings (one immutable object per app; see :func:`server.app.create_app`)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta


@dataclass(frozen=True)
class ServerSettings:
    """Tunables of the central server.

    - ``token_ttl``: lifetime of a bearer token (default 12 h, one work day).
    - ``login_window``, ``login_limit_pair``, ``login_limit_address``,
      ``login_delay_cap_s``: failed sign-ins counted in the window per
      (user, address) pair and per address; past the free ones a growing
      delay (2, 4, 8 … s, at most the cap) answers 429 ``too_many_attempts``
      with ``Retry-After`` (see :func:`server.auth.reserve_attempt`).
    - ``trusted_proxies``: peer addresses whose ``X-Forwarded-For`` is
      believed (the reverse proxy); nobody else's.
    - ``hash_concurrency`` / ``hash_wait_s``: at most this many password
      checks at once per process; a sign-in waiting longer gets 503
      ``server_busy`` with ``Retry-After``.
    - ``master_key_file``: JSON file of the master keys (:mod:`server.keys`;
      default ``$CREDENCIALIZACION_MASTER_KEYS`` or the data-dir file).
    - ``offline_login_days_max``: an offline sign-in attested by a station is
      believed only for users who signed in online there within these days.
    - ``argon2_*``: parameters for *new* hashes (verification uses the ones
      stored in each hash). Defaults follow RFC 9106's second recommended
      option (t=3, 64 MiB, p=4); tests use cheap ones.
    - ``allowed_semesters``: semesters eligible for credentialing (manual §7
      "semestres permitidos").
    - ``max_upload_bytes``: largest SAE file accepted over HTTP.
    - ``accounts_key_file``: the key that seals one-time passwords of new
      institutional accounts (default: :func:`server.accounts.passwords.default_key_path`).
    """

    token_ttl: timedelta = timedelta(hours=12)
    login_window: timedelta = timedelta(minutes=15)
    login_limit_pair: int = 5
    login_limit_address: int = 50
    login_delay_cap_s: int = 900
    trusted_proxies: tuple[str, ...] = ()
    hash_concurrency: int = 2
    hash_wait_s: float = 10.0
    master_key_file: str | None = None
    offline_login_days_max: int = 14
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536
    argon2_parallelism: int = 4
    allowed_semesters: tuple[int, ...] = (1, 2, 3, 4, 5, 6)
    max_upload_bytes: int = 200 * 1024 * 1024
    page_size_max: int = 500
    accounts_key_file: str | None = None
    extra: dict = field(default_factory=dict, compare=False)


#: Cheap hashing for tests and demos on a 2-core machine (never for production data).
FAST_TEST_SETTINGS = ServerSettings(argon2_time_cost=1, argon2_memory_kib=1024, argon2_parallelism=1)
