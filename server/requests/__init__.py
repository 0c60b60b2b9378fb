"""Requests (solicitudes) to the systems office (issue #19, DESIGN.md §12).

Laid out like :mod:`server.mail` and :mod:`server.accounts`: ``models`` (tables),
``settings`` (tunables), ``files`` (attachment content checks), ``service``
(filing, transitions, attachments — role checks and audit), ``notify`` (mails
to the requester), ``letter`` (response letter PDF), ``deadlines`` (reminders,
escalation), ``campaigns`` (mass e-mail ↔ mail engine), ``bitacora`` (search,
XLSX, retention purge), ``routes`` (HTTP) and ``cli``. The rules (states,
actions, types) are in :mod:`station.domain.requests`.
"""
