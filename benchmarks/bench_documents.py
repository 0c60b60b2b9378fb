"""Documents benchmark: ``card_pdf_ms`` — one temporary credential to PDF bytes
(sign payload + layout + embed photo/signature + QR + Code128), median of
several runs after a warm-up (fonts registered once per process).
Budget: DESIGN.md §10, ≤ 200 ms. Also ``status_report_pdf_ms`` for 40 planteles (no budget)."""
from __future__ import annotations

from collections import Counter

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from benchmarks._util import median_of, timed_ms


def run() -> dict[str, float]:
    from station.domain.demo import DEMO_STATUS_MIX, generate_students, make_campuses
    from station.documents.credential import credential_pdf, make_card
    from station.documents.report_pdf import status_report_pdf
    from station.documents.sample import sample_photo_jpeg, sample_signature_png, sample_student
    from station.domain.report import build_status_report

    key = Ed25519PrivateKey.generate()
    student, photo, signature = sample_student(), sample_photo_jpeg(), sample_signature_png()

    def one_card() -> None:
        credential_pdf(make_card(student, photo, signature, key, "EST-BENCH"))

    one_card()  # warm-up: font registration, imports
    counts = Counter((s.campus_code, s.campus_name, s.status)
                     for s in generate_students(4000, make_campuses(40), statuses=DEMO_STATUS_MIX))
    report = build_status_report([(c, n, st, k) for (c, n, st), k in counts.items()])
    return {
        "card_pdf_ms": round(median_of(lambda: timed_ms(one_card), runs=15), 2),
        "status_report_pdf_ms": round(median_of(lambda: timed_ms(lambda: status_report_pdf(report)), runs=5), 2),
    }
