"""Institutional e-mail accounts (DESIGN.md §13; issue 20).

Modules, one idea each: :mod:`~server.accounts.naming` (the rule),
:mod:`~server.accounts.collisions`, :mod:`~server.accounts.exports` (one
module per format), :mod:`~server.accounts.files` (uploaded lists and tenant
exports), :mod:`~server.accounts.passwords` (one-time passwords, sealing),
:mod:`~server.accounts.models` (tables), :mod:`~server.accounts.service`
(the API the screens, the CLI and issue 19's requests call),
:mod:`~server.accounts.routes` (HTTP) and :mod:`~server.accounts.cli`.
"""
