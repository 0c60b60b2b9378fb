"""Student statuses and user roles (manual §2; DESIGN.md §3).

The status codes are stable identifiers shared by the station, the server and
the wire format; the Spanish labels are what users see.
"""
from __future__ import annotations

from enum import Enum


class Status(str, Enum):
    """The ten credentialing statuses of manual §2 (plus Retoma of §11).

    The value is the stable code stored in databases and sent over HTTP.
    ``label`` is the Spanish (es-MX) name shown to users.
    """

    ENROLLED = "ENROLLED"
    CAPTURED = "CAPTURED"
    VALIDATED = "VALIDATED"
    DEFERRED = "DEFERRED"
    REQUESTED = "REQUESTED"
    PRINTING = "PRINTING"
    RECEIVED = "RECEIVED"
    REJECTED = "REJECTED"
    RETAKE = "RETAKE"
    DELIVERED = "DELIVERED"

    @property
    def label(self) -> str:
        """Spanish label of the status, as printed in manual §2 and §6."""
        return STATUS_LABELS[self]


STATUS_LABELS: dict[Status, str] = {
    Status.ENROLLED: "Enrolado",
    Status.CAPTURED: "Capturado",
    Status.VALIDATED: "Validado",
    Status.DEFERRED: "Aplazado",
    Status.REQUESTED: "Solicitado",
    Status.PRINTING: "Imprimiendo",
    Status.RECEIVED: "Recibido",
    Status.REJECTED: "Rechazado",
    Status.RETAKE: "Retoma",
    Status.DELIVERED: "Entregado",
}

#: Column order of the status report (manual §6), extended with Retoma.
REPORT_ORDER: tuple[Status, ...] = (
    Status.ENROLLED,
    Status.DEFERRED,
    Status.CAPTURED,
    Status.VALIDATED,
    Status.REQUESTED,
    Status.REJECTED,
    Status.RETAKE,
    Status.PRINTING,
    Status.RECEIVED,
    Status.DELIVERED,
)


class Role(str, Enum):
    """User roles of DESIGN.md §1. The value is the stable code."""

    OPERATOR = "operator"
    SUPERVISOR = "supervisor"
    STATE_OFFICE = "state_office"
    ADMIN = "admin"
    SYSTEMS = "systems"

    @property
    def label(self) -> str:
        """Spanish label of the role."""
        return ROLE_LABELS[self]


ROLE_LABELS: dict[Role, str] = {
    Role.OPERATOR: "Capturista",
    Role.SUPERVISOR: "Supervisor",
    Role.STATE_OFFICE: "Dirección Estatal",
    Role.ADMIN: "Administrador",
    Role.SYSTEMS: "Centro de Cómputo",
}

#: Roles whose write access is limited to their own planteles (campuses). The systems office
#: (Centro de Cómputo / DGTI) provisions the accounts of the planteles it serves; a state-wide
#: DGTI user is given every plantel.
CAMPUS_SCOPED_ROLES = frozenset({Role.OPERATOR, Role.SUPERVISOR, Role.SYSTEMS})
