"""Labels that come from the domain (statuses, commands, roles, photo checks),
written out literally so ``pyside6-lupdate`` extracts them into the app's
``.ts``, and the one way the screens translate them (:func:`domain_text`).
``tests/ui/test_translations.py`` fails when the domain gains a label that is
missing here. Regenerate the lists with ``python -m ui.domain_labels``."""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

#: Context of every domain label in the .ts file.
CONTEXT = "Domain"

STATUS_LABELS = (
    QT_TRANSLATE_NOOP("Domain", "Enrolado"),
    QT_TRANSLATE_NOOP("Domain", "Capturado"),
    QT_TRANSLATE_NOOP("Domain", "Validado"),
    QT_TRANSLATE_NOOP("Domain", "Aplazado"),
    QT_TRANSLATE_NOOP("Domain", "Solicitado"),
    QT_TRANSLATE_NOOP("Domain", "Imprimiendo"),
    QT_TRANSLATE_NOOP("Domain", "Recibido"),
    QT_TRANSLATE_NOOP("Domain", "Rechazado"),
    QT_TRANSLATE_NOOP("Domain", "Retoma"),
    QT_TRANSLATE_NOOP("Domain", "Entregado"),
)
COMMAND_LABELS = (
    QT_TRANSLATE_NOOP("Domain", "Importar desde SAE"),
    QT_TRANSLATE_NOOP("Domain", "Actualizar desde SAE"),
    QT_TRANSLATE_NOOP("Domain", "Toma de biométricos"),
    QT_TRANSLATE_NOOP("Domain", "Imprimir credencial temporal"),
    QT_TRANSLATE_NOOP("Domain", "Validar (Validado)"),
    QT_TRANSLATE_NOOP("Domain", "Validar (Aplazado)"),
    QT_TRANSLATE_NOOP("Domain", "Crear orden de impresión"),
    QT_TRANSLATE_NOOP("Domain", "Iniciar impresión"),
    QT_TRANSLATE_NOOP("Domain", "Recibir credenciales"),
    QT_TRANSLATE_NOOP("Domain", "Rechazar (reimpresión)"),
    QT_TRANSLATE_NOOP("Domain", "Rechazar (requiere retoma)"),
    QT_TRANSLATE_NOOP("Domain", "Entregar credencial"),
    QT_TRANSLATE_NOOP("Domain", "Asignar correo institucional"),
    QT_TRANSLATE_NOOP("Domain", "Eliminar fotografía y firma"),
)
ROLE_LABELS = (
    QT_TRANSLATE_NOOP("Domain", "Capturista"),
    QT_TRANSLATE_NOOP("Domain", "Supervisor"),
    QT_TRANSLATE_NOOP("Domain", "Dirección Estatal"),
    QT_TRANSLATE_NOOP("Domain", "Administrador"),
    QT_TRANSLATE_NOOP("Domain", "Centro de Cómputo"),
)
#: Photo check names (context «photo», as ui.widgets.photo_capture translates them).
PHOTO_CHECK_LABELS = (
    QT_TRANSLATE_NOOP("photo", "Una persona"),
    QT_TRANSLATE_NOOP("photo", "Distancia"),
    QT_TRANSLATE_NOOP("photo", "Ojos visibles"),
    QT_TRANSLATE_NOOP("photo", "Mirada al frente"),
    QT_TRANSLATE_NOOP("photo", "Cabeza derecha"),
    QT_TRANSLATE_NOOP("photo", "Encuadre"),
    QT_TRANSLATE_NOOP("photo", "Cabeza completa"),
    QT_TRANSLATE_NOOP("photo", "Luz"),
    QT_TRANSLATE_NOOP("photo", "Luz pareja"),
    QT_TRANSLATE_NOOP("photo", "Nitidez"),
    QT_TRANSLATE_NOOP("photo", "Fondo liso"),
)


#: Requests (issue 19): states, actions, types and their form fields and documents
#: (station.domain.requests), plus the timeline's other entries (ui.widgets.request_detail).
REQUEST_LABELS = (
    QT_TRANSLATE_NOOP("Domain", "Recibida"),
    QT_TRANSLATE_NOOP("Domain", "En revisión"),
    QT_TRANSLATE_NOOP("Domain", "Cancelada"),
    QT_TRANSLATE_NOOP("Domain", "Aprobada"),
    QT_TRANSLATE_NOOP("Domain", "En proceso"),
    QT_TRANSLATE_NOOP("Domain", "Atendida"),
    QT_TRANSLATE_NOOP("Domain", "Revisar"),
    QT_TRANSLATE_NOOP("Domain", "Cancelar"),
    QT_TRANSLATE_NOOP("Domain", "Aprobar"),
    QT_TRANSLATE_NOOP("Domain", "Iniciar atención"),
    QT_TRANSLATE_NOOP("Domain", "Marcar como atendida"),
    QT_TRANSLATE_NOOP("Domain", "Cuentas para alumnos de nuevo ingreso"),
    QT_TRANSLATE_NOOP("Domain", "Correo para la respuesta"),
    QT_TRANSLATE_NOOP("Domain", "Plantel"),
    QT_TRANSLATE_NOOP("Domain", "Grupos (vacío: se adjunta la lista)"),
    QT_TRANSLATE_NOOP("Domain", "Observaciones"),
    QT_TRANSLATE_NOOP("Domain", "Oficio de solicitud firmado por el jefe de área"),
    QT_TRANSLATE_NOOP("Domain", "Archivo con los datos de las cuentas (XLSX o CSV)"),
    QT_TRANSLATE_NOOP("Domain", "Cuentas para docentes o personal administrativo"),
    QT_TRANSLATE_NOOP("Domain", "Número de personas"),
    QT_TRANSLATE_NOOP("Domain", "Archivo con los datos del personal (XLSX o CSV)"),
    QT_TRANSLATE_NOOP("Domain", "Cuenta para egresado en proceso de titulación"),
    QT_TRANSLATE_NOOP("Domain", "Nombre completo"),
    QT_TRANSLATE_NOOP("Domain", "Matrícula"),
    QT_TRANSLATE_NOOP("Domain", "Correo personal"),
    QT_TRANSLATE_NOOP("Domain", "INE u otra identificación oficial con fotografía"),
    QT_TRANSLATE_NOOP("Domain", "Documento de Titulación que valida el trámite"),
    QT_TRANSLATE_NOOP("Domain", "Reinicio de contraseña de cuenta de correo"),
    QT_TRANSLATE_NOOP("Domain", "Cuenta de correo institucional"),
    QT_TRANSLATE_NOOP("Domain", "Carga académica u horario del semestre en curso"),
    QT_TRANSLATE_NOOP("Domain", "Bloqueo de cuenta o problema de envío/recepción de correo"),
    QT_TRANSLATE_NOOP("Domain", "Descripción del problema"),
    QT_TRANSLATE_NOOP("Domain", "Envío de correo masivo"),
    QT_TRANSLATE_NOOP("Domain", "Remitente (dependencia que firma)"),
    QT_TRANSLATE_NOOP("Domain", "Asunto"),
    QT_TRANSLATE_NOOP("Domain", "Mensaje (texto o HTML)"),
    QT_TRANSLATE_NOOP("Domain", "Plantel destinatario (vacío: todos)"),
    QT_TRANSLATE_NOOP("Domain", "Grupos destinatarios (vacío: todo el plantel)"),
    QT_TRANSLATE_NOOP("Domain", "Fecha deseada de envío"),
    QT_TRANSLATE_NOOP("Domain", "Oficio de solicitud (opcional)"),
)


def request_labels() -> list[str]:
    """Every Spanish label of :mod:`station.domain.requests` the screens show, without repeats, in order."""
    from station.domain.requests import ACTION_LABELS, REQUEST_TYPES, STATE_LABELS

    out: list[str] = [*STATE_LABELS.values(), *ACTION_LABELS.values()]
    for kind in REQUEST_TYPES.values():
        out += [kind.label, *(f.label for f in kind.fields), *(a.label for a in kind.attachments)]
    return list(dict.fromkeys(out))


def domain_text(label: str) -> str:
    """The translation of a domain label (a status, command or role ``label``)."""
    return QCoreApplication.translate(CONTEXT, label)


def _generate() -> str:
    """The tuples above, from the domain as it is now (for regeneration)."""
    from station.domain import Command, Role, Status
    from station.photo import CHECK_LABELS

    out = []
    for name, labels, ctx in (("STATUS_LABELS", [s.label for s in Status], CONTEXT),
                              ("COMMAND_LABELS", [c.label for c in Command], CONTEXT),
                              ("ROLE_LABELS", [r.label for r in Role], CONTEXT),
                              ("PHOTO_CHECK_LABELS", list(CHECK_LABELS.values()), "photo"),
                              ("REQUEST_LABELS", request_labels(), CONTEXT)):
        out.append(f"{name} = (\n" + "".join(f'    QT_TRANSLATE_NOOP("{ctx}", "{v}"),\n' for v in labels) + ")")
    return "\n".join(out)


if __name__ == "__main__":
    print(_generate())
