"""Issue 14 §1 on Windows: the data folder gets an owner-only protected ACL, read back and checked.

Linux CI cannot call the Windows security API, so pywin32 is replaced by a fake that keeps
the DACL set on each path and answers ``GetNamedSecurityInfo`` from it: these tests check
the calls, the flags and the read-back, not what NTFS does with them (see the note
14-protect2.md: propagation to existing files is not verified here)."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from station.store import db, winacl

FILE_ALL_ACCESS = 0x1F01FF


class FakeSid:
    def __init__(self, text):
        self.text = text

    def __eq__(self, other):
        return isinstance(other, FakeSid) and other.text == self.text

    def __hash__(self):
        return hash(self.text)


USER = FakeSid("S-1-5-21-1000-2000-3000-1001")
EVERYONE = FakeSid("S-1-1-0")


class FakeAcl:
    def __init__(self):
        self.aces = []

    def AddAccessAllowedAceEx(self, revision, flags, mask, sid):  # noqa: N802 - pywin32 names
        self.aces.append(((0, flags), mask, sid))

    def GetAceCount(self):  # noqa: N802
        return len(self.aces)

    def GetAce(self, i):  # noqa: N802
        return self.aces[i]


class FakeSecurity:
    """The part of ``win32security`` the module uses, with the real constant values."""

    TOKEN_QUERY = 0x8
    TokenUser = 1
    ACL_REVISION = 2
    OBJECT_INHERIT_ACE = 0x1
    CONTAINER_INHERIT_ACE = 0x2
    SE_FILE_OBJECT = 1
    DACL_SECURITY_INFORMATION = 0x4
    PROTECTED_DACL_SECURITY_INFORMATION = 0x80000000
    SE_DACL_PROTECTED = 0x1000
    ACCESS_ALLOWED_ACE_TYPE = 0

    def __init__(self, tamper=None, refuse=None):
        self.set_calls = []
        self.tamper = tamper  # what the volume does to the DACL (e.g. keeps an inherited ACE)
        self.refuse = refuse

    def ACL(self):  # noqa: N802
        return FakeAcl()

    def OpenProcessToken(self, process, access):  # noqa: N802
        assert process == "proceso-actual" and access == self.TOKEN_QUERY
        return "token"

    def GetTokenInformation(self, token, kind):  # noqa: N802
        assert (token, kind) == ("token", self.TokenUser)
        return (USER, 0)

    def SetNamedSecurityInfo(self, path, kind, info, owner, group, dacl, sacl):  # noqa: N802
        if self.refuse:
            raise self.refuse
        self.set_calls.append((path, kind, info, owner, group, dacl, sacl))

    def GetNamedSecurityInfo(self, path, kind, info):  # noqa: N802
        path_, kind_, set_info, *_rest, dacl, _sacl = self.set_calls[-1]
        assert (path, kind, info) == (path_, kind_, self.DACL_SECURITY_INFORMATION)
        control = self.SE_DACL_PROTECTED if set_info & self.PROTECTED_DACL_SECURITY_INFORMATION else 0
        if self.tamper:
            dacl, control = self.tamper(dacl, control)
        return SimpleNamespace(GetSecurityDescriptorControl=lambda: (control, 1),
                               GetSecurityDescriptorDacl=lambda: dacl)


def fake_api(monkeypatch, **kw) -> FakeSecurity:
    security = FakeSecurity(**kw)
    api = SimpleNamespace(security=security, api=SimpleNamespace(GetCurrentProcess=lambda: "proceso-actual"),
                          con=SimpleNamespace(FILE_ALL_ACCESS=FILE_ALL_ACCESS))
    monkeypatch.setattr(winacl, "_api", lambda: api)
    return security


def test_owner_only_sets_a_protected_dacl_with_one_inherited_ace_for_the_user(monkeypatch, tmp_path):
    security = fake_api(monkeypatch)
    assert winacl.owner_only(tmp_path) is None
    [(path, kind, info, owner, group, dacl, sacl)] = security.set_calls
    assert (path, kind, owner, group, sacl) == (str(tmp_path), security.SE_FILE_OBJECT, None, None, None)
    assert info == security.DACL_SECURITY_INFORMATION | security.PROTECTED_DACL_SECURITY_INFORMATION
    assert dacl.aces == [((0, security.OBJECT_INHERIT_ACE | security.CONTAINER_INHERIT_ACE), FILE_ALL_ACCESS, USER)]


@pytest.mark.parametrize("tamper, words", [
    (lambda dacl, control: (dacl, 0), "heredando"),
    (lambda dacl, control: (SimpleNamespace(GetAceCount=lambda: 2, GetAce=lambda i: [dacl.GetAce(0),
                                                                                     ((0, 0), 0x1200A9, EVERYONE)][i]),
                            control), "otra cuenta"),
    (lambda dacl, control: (None, control), "sin lista"),
], ids=["not-protected", "everyone-kept", "no-dacl"])
def test_a_read_back_that_is_not_owner_only_is_reported(monkeypatch, tmp_path, tamper, words):
    fake_api(monkeypatch, tamper=tamper)
    problem = winacl.owner_only(tmp_path)
    assert problem and words in problem and str(tmp_path) in problem


def test_a_refused_call_or_missing_pywin32_is_a_spanish_reason_not_a_traceback(monkeypatch, tmp_path):
    error = OSError(5, "Acceso denegado")
    fake_api(monkeypatch, refuse=error)
    assert winacl.owner_only(tmp_path) == f"No se pudo restringir la carpeta {tmp_path} a su usuario: Acceso denegado."

    def missing():
        raise ImportError("No module named 'win32security'")

    monkeypatch.setattr(winacl, "_api", missing)
    assert "pywin32" in winacl.owner_only(tmp_path)


def test_the_store_folder_takes_the_windows_path(monkeypatch, tmp_path):
    """On Windows the store's folder gets the ACL (and no chmod); the store opens in it."""
    from station.store import LocalStore

    security = fake_api(monkeypatch)
    monkeypatch.setattr(db, "IS_WINDOWS", True)
    folder = tmp_path / "datos"
    store = LocalStore(folder / "estacion.sqlite3", bytes(range(32)), "EST-001-01")
    try:
        assert [c[0] for c in security.set_calls][:1] == [str(folder)]
        assert store.count_students() == 0
    finally:
        store.close()
    fake_api(monkeypatch, tamper=lambda dacl, control: (dacl, 0))
    assert "heredando" in db.secure_data_dir(folder)  # reported (and logged), the desk keeps working
