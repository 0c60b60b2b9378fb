"""OneRoster 1.1 and 1.2 CSV users (IMS Global).

- 1.1 (imsglobal.org/oneroster-v11-final-csv-tables): ``users.csv`` carries
  the role and the org ids; required *sourcedId, enabledUser, orgSourcedIds,
  role, username, givenName, familyName*; role from the vocabulary
  (student, teacher, administrator…).
- 1.2 (imsglobal.org/spec/oneroster/v1p2/bind/csv): roles move to
  ``roles.csv`` (*sourcedId, roleType, role, userSourcedId, orgSourcedId*
  required, roleType ``primary``); ``users.csv`` keeps the person.

Each export also writes ``manifest.csv`` declaring the files in bulk mode and
the others absent. The *password* column holds the initial password; the
consumer (e.g. School Data Sync) sets the change-at-next-sign-in flag.
"""
from __future__ import annotations

from server.accounts.exports.common import Account, ExportFile, FileSpec, Format, write_csv
from server.accounts.naming import ADDRESS_MAX

OR11_USERS = ("sourcedId", "status", "dateLastModified", "enabledUser", "orgSourcedIds", "role", "username",
              "userIds", "givenName", "familyName", "middleName", "identifier", "email", "sms", "phone",
              "agentSourcedIds", "grades", "password")
OR12_USERS = ("sourcedId", "status", "dateLastModified", "enabledUser", "username", "userIds", "givenName",
              "familyName", "middleName", "identifier", "email", "sms", "phone", "agentSourcedIds", "grades",
              "password", "userMasterIdentifier", "resourceSourcedIds", "preferredGivenName", "preferredMiddleName",
              "preferredFamilyName", "primaryOrgSourcedId", "pronouns")
OR12_ROLES = ("sourcedId", "status", "dateLastModified", "userSourcedId", "roleType", "role", "beginDate", "endDate",
              "orgSourcedId", "userProfileSourcedId")
MANIFEST = ("propertyName", "value")
UNLIMITED = 10_000_000

ROLES_11 = frozenset({"administrator", "aide", "guardian", "parent", "proctor", "relative", "student", "teacher"})
ROLES_12 = ROLES_11 | {"districtAdministrator", "principal", "siteAdministrator", "systemAdministrator"}
ROLE_OF_KIND = {"student": "student", "graduate": "student", "staff": "teacher", "workplace": "administrator"}

OR11_SPEC = FileSpec(
    name="users.csv", header=OR11_USERS,
    required=("sourcedId", "enabledUser", "orgSourcedIds", "role", "username", "givenName", "familyName"),
    max_rows=UNLIMITED, address_columns=("username", "email"), password_column="password",
    allowed={"enabledUser": frozenset({"true", "false"}), "role": ROLES_11}, max_len={"username": ADDRESS_MAX},
)
OR12_USERS_SPEC = FileSpec(
    name="users.csv", header=OR12_USERS,
    required=("sourcedId", "enabledUser", "username", "givenName", "familyName"),
    max_rows=UNLIMITED, address_columns=("username", "email"), password_column="password",
    allowed={"enabledUser": frozenset({"true", "false"})}, max_len={"username": ADDRESS_MAX},
)
OR12_ROLES_SPEC = FileSpec(
    name="roles.csv", header=OR12_ROLES,
    required=("sourcedId", "userSourcedId", "roleType", "role", "orgSourcedId"), max_rows=UNLIMITED,
    allowed={"roleType": frozenset({"primary", "secondary"}), "role": ROLES_12},
)
MANIFEST_SPEC = FileSpec(name="manifest.csv", header=MANIFEST, required=MANIFEST, max_rows=100)

_ALL_FILES = ("academicSessions", "categories", "classes", "classResources", "courses", "courseResources",
              "demographics", "enrollments", "lineItems", "orgs", "resources", "results", "users")


def _source_id(a: Account) -> str:
    return a.source_id if a.kind == "student" else f"{a.kind}-{a.source_id}"


def _manifest(version: str, present: tuple[str, ...]) -> ExportFile:
    files = _ALL_FILES + (("roles", "userProfiles", "lineItemLearningObjectiveIds", "lineItemScoreScales",
                           "resultLearningObjectiveIds", "resultScoreScales", "scoreScales")
                          if version == "1.2" else ())
    rows = [{"propertyName": "manifest.version", "value": "1.0"},
            {"propertyName": "oneroster.version", "value": version}]
    rows += [{"propertyName": f"file.{name}", "value": "bulk" if name in present else "absent"} for name in files]
    (produced,) = write_csv(MANIFEST_SPEC, rows, "manifest")
    return produced


def _person(a: Account) -> dict[str, str]:
    given = a.given_names.split()
    return {"sourcedId": _source_id(a), "enabledUser": "true", "username": a.address, "givenName": a.given_names,
            "familyName": a.last_name or a.given_names, "identifier": a.source_id, "email": a.address,
            "password": a.password, "preferredGivenName": given[0] if given else ""}


def build_11(accounts: list[Account], stem: str) -> list[ExportFile]:
    """``users.csv`` (1.1) and ``manifest.csv``."""
    rows = ({**_person(a), "orgSourcedIds": a.campus_code, "role": ROLE_OF_KIND[a.kind]} for a in accounts)
    (users,) = write_csv(OR11_SPEC, rows, "users")
    return [users, _manifest("1.1", ("users",))]


def build_12(accounts: list[Account], stem: str) -> list[ExportFile]:
    """``users.csv`` and ``roles.csv`` (1.2) and ``manifest.csv``."""
    (users,) = write_csv(OR12_USERS_SPEC, ({**_person(a), "primaryOrgSourcedId": a.campus_code} for a in accounts),
                         "users")
    (roles,) = write_csv(OR12_ROLES_SPEC, ({"sourcedId": f"role-{_source_id(a)}", "userSourcedId": _source_id(a),
                                            "roleType": "primary", "role": ROLE_OF_KIND[a.kind],
                                            "orgSourcedId": a.campus_code} for a in accounts), "roles")
    return [users, roles, _manifest("1.2", ("users", "roles"))]


ONEROSTER11 = Format("oneroster11", "OneRoster 1.1 (users.csv)", (OR11_SPEC, MANIFEST_SPEC), build_11)
ONEROSTER12 = Format("oneroster12", "OneRoster 1.2 (users.csv + roles.csv)",
                     (OR12_USERS_SPEC, OR12_ROLES_SPEC, MANIFEST_SPEC), build_12)
