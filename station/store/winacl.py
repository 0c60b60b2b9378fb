"""Owner-only ACL of the station's data folder on Windows (issue 14 §1; DESIGN.md §10).

POSIX desks get mode 0700 (:func:`station.store.db.secure_data_dir`). On Windows the folder
gets a *protected* DACL (inheritance from ``%LOCALAPPDATA%`` cut) holding one ACE: the SID of
the user running the station (read from the process token, not from ``%USERNAME%``), full
control, inherited by every file and subfolder (``OBJECT_INHERIT_ACE | CONTAINER_INHERIT_ACE``).
``SetNamedSecurityInfo`` propagates it to what the folder already holds — the encrypted
store, its WAL and SHM, pre-migration copies, ``station_keys.json`` — and files created later
inherit it. The DACL is then read back and checked: protected, and every ACE an allow of full
control to that SID. Through pywin32 (``win32security``, ``win32api``, ``ntsecuritycon``;
Microsoft: "SetNamedSecurityInfo", "ACCESS_ALLOWED_ACE", "Security descriptor control").

Verified on Linux only with a fake of those modules (tests/store/test_winacl.py): the calls,
the flags and the read-back check. What a real NTFS volume does with them (propagation to
existing children, administrators taking ownership) is not verified here.
"""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace


def _api() -> SimpleNamespace:
    """The pywin32 modules used here (tests replace this function)."""
    import ntsecuritycon  # type: ignore[import-not-found]
    import win32api  # type: ignore[import-not-found]
    import win32security  # type: ignore[import-not-found]

    return SimpleNamespace(security=win32security, api=win32api, con=ntsecuritycon)


def current_user_sid(w: SimpleNamespace):
    """The SID of the user this process runs as (``TokenUser`` of the process token)."""
    token = w.security.OpenProcessToken(w.api.GetCurrentProcess(), w.security.TOKEN_QUERY)
    return w.security.GetTokenInformation(token, w.security.TokenUser)[0]


def owner_only(folder: Path | str) -> str | None:
    """Give ``folder`` the owner-only protected DACL (module doc) and check it by reading it back.

    Returns ``None`` when the read-back shows exactly that ACL, else a Spanish reason (pywin32
    missing, the call refused — e.g. a FAT or network volume —, or another ACE still there).
    Never raises: the store itself is encrypted, so a folder that cannot be restricted is
    reported (self-check, log), not a reason to stop the desk.
    """
    folder = str(folder)
    try:
        w = _api()
    except ImportError:
        return f"No se pudo restringir la carpeta {folder} a su usuario: falta el módulo pywin32."
    sec = w.security
    try:
        sid = current_user_sid(w)
        dacl = sec.ACL()
        dacl.AddAccessAllowedAceEx(sec.ACL_REVISION, sec.OBJECT_INHERIT_ACE | sec.CONTAINER_INHERIT_ACE,
                                   w.con.FILE_ALL_ACCESS, sid)
        sec.SetNamedSecurityInfo(folder, sec.SE_FILE_OBJECT,
                                 sec.DACL_SECURITY_INFORMATION | sec.PROTECTED_DACL_SECURITY_INFORMATION,
                                 None, None, dacl, None)
        return acl_problem(w, folder, sid)
    except Exception as exc:  # pywintypes.error and friends: named, never a traceback for the desk
        detail = getattr(exc, "strerror", None) or str(exc)
        return f"No se pudo restringir la carpeta {folder} a su usuario: {detail}."


def acl_problem(w: SimpleNamespace, folder: str, sid) -> str | None:
    """``None`` when ``folder``'s DACL is protected and only allows ``sid`` full control; else why not."""
    sec = w.security
    sd = sec.GetNamedSecurityInfo(folder, sec.SE_FILE_OBJECT, sec.DACL_SECURITY_INFORMATION)
    control, _revision = sd.GetSecurityDescriptorControl()
    if not control & sec.SE_DACL_PROTECTED:
        return f"La carpeta {folder} sigue heredando permisos de la carpeta superior."
    dacl = sd.GetSecurityDescriptorDacl()
    if dacl is None or dacl.GetAceCount() == 0:
        return f"La carpeta {folder} quedó sin lista de permisos."
    for index in range(dacl.GetAceCount()):
        (ace_type, _flags), mask, ace_sid = dacl.GetAce(index)
        if ace_type != sec.ACCESS_ALLOWED_ACE_TYPE or ace_sid != sid or mask != w.con.FILE_ALL_ACCESS:
            return f"La carpeta {folder} da permisos a otra cuenta además de su usuario."
    return None
