"""Per-recipient delivery states (DESIGN.md §11) and their Spanish labels.

``queued`` → ``sending`` → ``sent`` | ``deferred`` (4xx, retried with
backoff) | ``failed`` (5xx or invalid address, with code and text);
``sent`` → ``bounced`` (a DSN arrived: hard, soft or complaint);
``suppressed`` (the address is on the suppression list; never sent).
``PENDING`` are the states the worker still has to act on; ``FINAL`` the
ones a campaign can end in.
"""
from __future__ import annotations

QUEUED, SENDING, SENT, DEFERRED, FAILED, BOUNCED, SUPPRESSED = (
    "queued", "sending", "sent", "deferred", "failed", "bounced", "suppressed")
STATES = (QUEUED, SENDING, SENT, DEFERRED, FAILED, BOUNCED, SUPPRESSED)
PENDING = frozenset({QUEUED, SENDING, DEFERRED})
FINAL = frozenset({SENT, FAILED, BOUNCED, SUPPRESSED})

LABELS = {
    QUEUED: "En cola", SENDING: "Enviando", SENT: "Enviado", DEFERRED: "Reintento pendiente",
    FAILED: "Falló", BOUNCED: "Rebotado", SUPPRESSED: "Suprimido",
}

HARD, SOFT, COMPLAINT, NOT_A_BOUNCE = "hard", "soft", "complaint", "not_a_bounce"
BOUNCE_LABELS = {HARD: "Rebote permanente", SOFT: "Rebote temporal", COMPLAINT: "Queja (marcado como spam)",
                 NOT_A_BOUNCE: "No es un rebote"}

# Campaign statuses.
DRAFT, CAMPAIGN_QUEUED, CAMPAIGN_SENDING, FINISHED, CANCELLED = "draft", "queued", "sending", "finished", "cancelled"
CAMPAIGN_LABELS = {DRAFT: "Borrador", CAMPAIGN_QUEUED: "En cola", CAMPAIGN_SENDING: "Enviando",
                   FINISHED: "Terminado", CANCELLED: "Cancelado"}
