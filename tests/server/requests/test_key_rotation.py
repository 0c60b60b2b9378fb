"""Request documents are sealed under the same master keys as biometrics, so ``keys rotate``
must re-wrap them too: after a rotation that drops the old key, every document still opens."""
from __future__ import annotations

from server.keys import MasterKeys, rotate
from server.requests import attachments
from server.requests.settings import RequestSettings
from server.services.students import utcnow
from server.testing import seed
from tests.server.conftest import PASSWORD
from tests.server.requests.conftest import documents_for
from tests.server.requests.offline import SUPERVISOR, SYSTEMS, Db


def test_documents_survive_a_rotation_that_drops_the_old_key(tmp_path):
    url = f"sqlite:///{tmp_path / 'rot.sqlite3'}"
    seed(url, PASSWORD, students=0, campuses=2)
    db = Db(url)
    try:
        keys = MasterKeys.load_file(tmp_path / "keys.json")
        old = keys.current
        folio = db.make("password_reset", "received", utcnow(), documents=False)
        name, data = documents_for("password_reset")["ine"]
        doc = db.tx(lambda s: attachments.add(s, SUPERVISOR, folio, "ine", name, data, keys, RequestSettings(),
                                              utcnow()).id)
        new, count = rotate(db.factory, keys, drop_old=True)
        assert new != old and old not in keys.keys and count >= 1
        reread = MasterKeys.load_file(tmp_path / "keys.json", create=False)
        _row, plain = db.tx(lambda s: attachments.read(s, SYSTEMS, folio, doc, reread, utcnow()))
        assert plain == data
    finally:
        db.close()
