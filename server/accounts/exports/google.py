"""Google Workspace bulk-upload CSV (support.google.com/a/answer/40057).

Newest template's columns (matched by name), UTF-8 with BOM, at most 150,000
rows and 35 MB per file; *First Name*, *Last Name*, *Email Address*,
*Password* and *Org Unit Path* required. The password is sent in clear
("Password Hash Function" empty) and *Change Password at Next Sign-In* is
``TRUE``; the org unit path is the rule's template per plantel (``/Alumnos/Ciudad Azteca``).
Google sends no welcome mail for CSV uploads.
"""
from __future__ import annotations

from server.accounts.exports.common import Account, FileSpec, Format, write_csv
from server.accounts.naming import ADDRESS_MAX

GOOGLE_HEADER = (
    "First Name [Required]", "Last Name [Required]", "Email Address [Required]", "Password [Required]",
    "Password Hash Function [UPLOAD ONLY]", "Org Unit Path [Required]", "New Primary Email [UPLOAD ONLY]",
    "Recovery Email", "Home Secondary Email", "Work Secondary Email", "Recovery Phone [MUST BE IN THE E.164 FORMAT]",
    "Work Phone", "Home Phone", "Mobile Phone", "Work Address", "Home Address", "Employee ID", "Employee Type",
    "Employee Title", "Manager Email", "Department", "Cost Center", "Building ID", "Floor Name", "Floor Section",
    "Change Password at Next Sign-In", "New Status [UPLOAD ONLY]", "New Licenses [UPLOAD ONLY]",
    "Advanced Protection Program enrollment",
)
GOOGLE_SPEC = FileSpec(
    name="google", header=GOOGLE_HEADER,
    required=("First Name [Required]", "Last Name [Required]", "Email Address [Required]", "Password [Required]",
              "Org Unit Path [Required]"),
    max_rows=150_000, bom=True, max_bytes=35 * 1024 * 1024, address_columns=("Email Address [Required]",),
    password_column="Password [Required]",
    allowed={"Change Password at Next Sign-In": frozenset({"TRUE", "FALSE"})},
    max_len={"Email Address [Required]": ADDRESS_MAX, "First Name [Required]": 60, "Last Name [Required]": 60,
             "Password [Required]": 100},
)
EMPLOYEE_TYPES = {"student": "Alumno", "staff": "Personal", "graduate": "Egresado", "workplace": "Centro de trabajo"}


def build_google(accounts: list[Account], stem: str) -> list:
    """Google Workspace upload files (UTF-8 with BOM)."""
    rows = ({"First Name [Required]": a.given_names[:60], "Last Name [Required]": (a.last_name or a.given_names)[:60],
             "Email Address [Required]": a.address, "Password [Required]": a.password,
             "Org Unit Path [Required]": a.org_unit, "Employee ID": a.source_id,
             "Employee Type": EMPLOYEE_TYPES.get(a.kind, ""), "Department": a.campus_name or a.campus_code,
             "Change Password at Next Sign-In": "TRUE"} for a in accounts)
    return write_csv(GOOGLE_SPEC, rows, stem)


GOOGLE = Format("google", "Google Workspace (carga masiva)", (GOOGLE_SPEC,), build_google)
