"""Printable documents of the station: temporary credential (PDF), status
report (PDF, XLSX) and student list (XLSX). No Qt here (DESIGN.md §3).

Submodules are imported on demand so that importing :mod:`station.documents.xlsx`
(used by the server) does not pull in reportlab.
"""
