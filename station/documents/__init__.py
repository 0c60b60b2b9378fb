"""Printable documents of the station: temporary credential (PDF) and status
report (PDF). No Qt here (DESIGN.md §3). The XLSX exports, which the server
serves too, live in :mod:`station.domain.xlsx`.
"""
