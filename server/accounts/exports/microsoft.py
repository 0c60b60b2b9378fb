"""Microsoft 365 admin center bulk-add CSV and Microsoft Entra bulk-create CSV.

Sources (research/email-anchors.md §(c)):

- Admin center: MicrosoftDocs/microsoft-365-docs
  ``microsoft-365/enterprise/add-several-users-at-the-same-time.md`` — the
  16 columns below, *User Name* and *Display Name* required, at most 250
  rows including the header (249 users per file), user name ≤ 79 characters
  with an alias ≤ 50. The admin center generates the passwords itself and
  offers to mail them in plain text: the administrator must not choose that
  option; the results file it offers for download (*User name, Display name,
  Password…*) is what ``accounts import`` reads to seal the real passwords.
- Entra: MicrosoftDocs/entra-docs ``docs/identity/users/users-bulk-add.md`` —
  row 1 the version (``version:v1.0``), row 2 headings ``<Item> [property]
  Required``; required *Name*, *User principal name*, *Initial password*,
  *Block sign in (Yes/No)*; users created this way must change the initial
  password at the next sign-in (``forceChangePasswordNextSignIn``). A bulk
  job must finish within an hour (bulk-operations limits); files are split at
  50,000 rows.
"""
from __future__ import annotations

from server.accounts.exports.common import Account, FileSpec, Format, write_csv
from server.accounts.naming import ADDRESS_MAX

M365_HEADER = ("User Name", "First Name", "Last Name", "Display Name", "Job Title", "Department", "Office Number",
               "Office Phone", "Mobile Phone", "Fax", "Alternate email address", "Address", "City",
               "State or Province", "ZIP or Postal Code", "Country or Region")
M365_MAX_USERS = 249

M365_SPEC = FileSpec(
    name="m365", header=M365_HEADER, required=("User Name", "Display Name"), max_rows=M365_MAX_USERS,
    address_columns=("User Name",), max_len={"User Name": ADDRESS_MAX, "Display Name": 256},
)

JOB_TITLES = {"student": "Alumno", "staff": "Docente/Administrativo", "graduate": "Egresado",
              "workplace": "Centro de trabajo"}


def _m365_rows(accounts: list[Account]):
    for a in accounts:
        yield {"User Name": a.address, "First Name": a.given_names, "Last Name": a.last_name,
               "Display Name": a.display_name, "Job Title": JOB_TITLES.get(a.kind, ""),
               "Department": a.campus_name or a.campus_code, "Country or Region": "México"}


def build_m365(accounts: list[Account], stem: str) -> list:
    """Admin-center files of ≤ 249 users each (no password column)."""
    return write_csv(M365_SPEC, _m365_rows(accounts), stem)


ENTRA_VERSION = ("version:v1.0",)
ENTRA_HEADER = ("Name [displayName] Required", "User name [userPrincipalName] Required",
                "Initial password [passwordProfile] Required", "Block sign in (Yes/No) [accountEnabled] Required",
                "First name [givenName]", "Last name [surname]", "Job title [jobTitle]", "Department [department]",
                "Usage location [usageLocation]", "Street address [streetAddress]", "State or province [state]",
                "Country or region [country]", "Office [physicalDeliveryOfficeName]", "City [city]",
                "ZIP or postal code [postalCode]", "Office phone [telephoneNumber]", "Mobile phone [mobile]")
ENTRA_SPEC = FileSpec(
    name="entra", header=ENTRA_HEADER, required=ENTRA_HEADER[:4], max_rows=50_000, preamble=(ENTRA_VERSION,),
    address_columns=("User name [userPrincipalName] Required",),
    password_column="Initial password [passwordProfile] Required",
    allowed={"Block sign in (Yes/No) [accountEnabled] Required": frozenset({"Yes", "No"})},
    max_len={"User name [userPrincipalName] Required": ADDRESS_MAX, "Name [displayName] Required": 256},
)


def build_entra(accounts: list[Account], stem: str) -> list:
    """Entra bulk-create files (version row, headings, one row per account)."""
    rows = ({ENTRA_HEADER[0]: a.display_name, ENTRA_HEADER[1]: a.address, ENTRA_HEADER[2]: a.password,
             ENTRA_HEADER[3]: "No", ENTRA_HEADER[4]: a.given_names, ENTRA_HEADER[5]: a.last_name,
             ENTRA_HEADER[6]: JOB_TITLES.get(a.kind, ""), ENTRA_HEADER[7]: a.campus_name or a.campus_code,
             ENTRA_HEADER[8]: "MX", ENTRA_HEADER[11]: "México"} for a in accounts)
    return write_csv(ENTRA_SPEC, rows, stem)


M365 = Format("m365", "Microsoft 365 (centro de administración)", (M365_SPEC,), build_m365, carries_password=False)
ENTRA = Format("entra", "Microsoft Entra (creación masiva)", (ENTRA_SPEC,), build_entra)
