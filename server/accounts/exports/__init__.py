"""Export formats of the accounts to create (issue 20 item 3).

:data:`FORMATS` maps the CLI/API code (``m365``, ``entra``, ``google``,
``oneroster11``, ``oneroster12``) to its :class:`Format`; ``Format.export``
builds the files and checks each against its column spec and row limits
before anything is offered.
"""
from server.accounts.exports.common import Account, ExportFile, ExportInvalid, FileSpec, Format, check_file
from server.accounts.exports.google import GOOGLE
from server.accounts.exports.microsoft import ENTRA, M365
from server.accounts.exports.oneroster import ONEROSTER11, ONEROSTER12

FORMATS: dict[str, Format] = {f.code: f for f in (M365, ENTRA, GOOGLE, ONEROSTER11, ONEROSTER12)}

__all__ = ["Account", "ExportFile", "ExportInvalid", "FileSpec", "Format", "FORMATS", "check_file"]
