"""Issue 14 §3: one command whose biometrics cannot be decrypted becomes an incidencia; the rest go."""
from __future__ import annotations

from station.domain import Command, Status
from station.store.crypto import BlobCipher

from tests.store.conftest import raw_connect
from tests.sync.conftest import KEY, OPERATOR, capture_blobs
from station.domain.demo import DEMO_CONSENT


def test_one_undecryptable_capture_is_an_incidencia_and_the_queue_goes_on(fake_server, make_station):
    st = make_station(fake_server)
    st.service.run_round()
    enrolled = sorted(m for m, s in fake_server.students.items()
                      if s.status == Status.ENROLLED and s.campus_code == "001")[:3]
    captures = [st.store.execute(Command.CAPTURE, m, OPERATOR, dict(DEMO_CONSENT), blobs=capture_blobs())
                for m in enrolled]
    broken = captures[1].photo_sha256
    db = raw_connect(st.store.path, KEY)  # the middle photo: sealed under another key (damaged on disk)
    db.execute("update blobs set sealed=? where sha256=?",
               (BlobCipher(bytes(32)).seal(b"x", f"photo:{broken}".encode()), broken))
    db.commit()
    db.close()

    result = st.service.run_round()
    assert result.completed and (result.pushed, result.rejected, result.pending) == (2, 1, 0)
    assert fake_server.students[enrolled[0]].status == Status.CAPTURED
    assert fake_server.students[enrolled[2]].status == Status.CAPTURED
    assert fake_server.students[enrolled[1]].status == Status.ENROLLED
    [inc] = st.service.incidencias()
    assert inc.matricula == enrolled[1] and "no se pudo descifrar" in inc.reason and "Vuelva a capturar" in inc.reason
