"""Composition root of the station (DESIGN.md §2): the ``credencializacion``
console entry point (:mod:`app.cli`), :func:`app.wiring.build_station` used by
the real desk, the demo and the tests, the demo wiring (:mod:`app.demo`), the
self-check, the device diagnostics and ``pad-record``. The only package that
imports ``ui``, ``station``, ``drivers`` and (for the demo) ``server``.
"""
