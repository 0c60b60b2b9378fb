"""Acceptance rules of a signature (not empty, not trivial): :class:`SignatureRules` and the
:meth:`Signature.problems` / :meth:`Signature.check` methods."""
from __future__ import annotations

from dataclasses import dataclass

from drivers.signature.values import DEFAULT_LOGICAL_HEIGHT, DEFAULT_LOGICAL_WIDTH, SignatureRejected


@dataclass(frozen=True, slots=True)
class SignatureRules:
    """Thresholds of :meth:`Signature.check` (pad units of a 2000×700 frame,
    scaled to the signature's own frame).

    ``min_points``: pen-down samples in all strokes together.
    ``min_width``/``min_height``: extent of the ink bounding box.
    """

    min_points: int = 15
    min_width: float = 150.0
    min_height: float = 30.0


class AcceptanceMixin:
    """Acceptance part of :class:`drivers.signature.model.Signature`."""

    __slots__ = ()

    def problems(self, rules: SignatureRules = SignatureRules()) -> list[SignatureRejected]:
        """All reasons to refuse this signature (empty list = acceptable).

        Thresholds in ``rules`` are for a 2000×700 frame and are scaled to
        ``width``/``height``.
        """
        if self.is_empty():
            return [SignatureRejected("No hay firma: pida al alumno que firme en el pad.", "empty")]
        found: list[SignatureRejected] = []
        if self.point_count < rules.min_points:
            found.append(
                SignatureRejected(
                    "La firma es demasiado corta (muy pocos trazos). Presione Limpiar y pida al "
                    "alumno que firme de nuevo.",
                    "few_points",
                )
            )
        x0, y0, x1, y1 = self.bbox()  # type: ignore[misc]
        sx = self.width / DEFAULT_LOGICAL_WIDTH
        sy = self.height / DEFAULT_LOGICAL_HEIGHT
        if (x1 - x0) < rules.min_width * sx or (y1 - y0) < rules.min_height * sy:
            found.append(
                SignatureRejected(
                    "La firma es demasiado pequeña. Presione Limpiar y pida al alumno que firme "
                    "de nuevo ocupando más espacio del recuadro.",
                    "small",
                )
            )
        return found

    def check(self, rules: SignatureRules = SignatureRules()) -> None:
        """Refuse an empty or trivial signature.

        Raises :class:`SignatureRejected` (Spanish ``message``, ``reason`` in
        ``"empty"``, ``"few_points"``, ``"small"``) with the first problem found.
        """
        found = self.problems(rules)
        if found:
            raise found[0]
