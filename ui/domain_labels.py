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
                              ("PHOTO_CHECK_LABELS", list(CHECK_LABELS.values()), "photo")):
        out.append(f"{name} = (\n" + "".join(f'    QT_TRANSLATE_NOOP("{ctx}", "{v}"),\n' for v in labels) + ")")
    return "\n".join(out)


if __name__ == "__main__":
    print(_generate())
