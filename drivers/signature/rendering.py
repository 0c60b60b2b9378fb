"""Rendering of a signature: PIL image, PNG and SVG (:meth:`Signature.render_image`,
:meth:`Signature.to_png`, :meth:`Signature.to_svg`). Pillow is imported only when a bitmap is rendered."""
from __future__ import annotations

import io
from typing import Any

from drivers.signature.values import _num


class RenderingMixin:
    """Rendering part of :class:`drivers.signature.model.Signature`."""

    __slots__ = ()

    def _view(self, crop: str, margin: float) -> tuple[float, float, float, float]:
        """Region to render ``(x0, y0, w, h)`` in pad units."""
        if crop == "ink" and not self.is_empty():
            x0, y0, x1, y1 = self.bbox()  # type: ignore[misc]
            return x0 - margin, y0 - margin, (x1 - x0) + 2 * margin, (y1 - y0) + 2 * margin
        if crop not in ("ink", "pad"):
            raise ValueError(f"crop must be 'ink' or 'pad', not {crop!r}")
        return 0.0, 0.0, float(self.width), float(self.height)

    def render_image(
        self,
        width_px: int = 600,
        height_px: int | None = None,
        *,
        pen_width_px: float = 3.0,
        color: tuple[int, int, int] = (0, 0, 0),
        crop: str = "ink",
        margin: float = 20.0,
        supersample: int = 4,
    ):
        """Render to a Pillow ``RGBA`` image with a fully transparent background.

        ``width_px``×``height_px``: output size in pixels (``height_px`` defaults
        to keep the aspect of the rendered region). ``crop="ink"`` fits the ink
        bounding box plus ``margin`` pad units; ``crop="pad"`` the whole logical
        frame. Ink keeps its aspect ratio and is centred. An empty signature
        gives a fully transparent image. Raises ``ValueError`` on sizes < 1.
        """
        from PIL import Image, ImageDraw

        vx, vy, vw, vh = self._view(crop, margin)
        vw, vh = max(vw, 1.0), max(vh, 1.0)
        if height_px is None:
            height_px = max(1, round(width_px * vh / vw))
        if width_px < 1 or height_px < 1:
            raise ValueError("La imagen de la firma debe medir al menos 1×1 píxeles.")
        ss = max(1, int(supersample))
        big_w, big_h = width_px * ss, height_px * ss
        scale = min(big_w / vw, big_h / vh)
        off_x = (big_w - vw * scale) / 2 - vx * scale
        off_y = (big_h - vh * scale) / 2 - vy * scale
        img = Image.new("RGBA", (big_w, big_h), (0, 0, 0, 0))
        draw = ImageDraw.Draw(img)
        pen = max(1.0, pen_width_px * ss)
        r = pen / 2
        rgba = (*color, 255)
        for stroke in self.strokes:
            pts = [(p.x * scale + off_x, p.y * scale + off_y) for p in stroke.points]
            if not pts:
                continue
            if len(pts) > 1:
                draw.line(pts, fill=rgba, width=int(round(pen)), joint="curve")
            for px, py in (pts[0], pts[-1]) if len(pts) > 1 else pts:
                draw.ellipse((px - r, py - r, px + r, py + r), fill=rgba)
        if ss > 1:
            img = img.resize((width_px, height_px), Image.LANCZOS)
        return img

    def to_png(self, width_px: int = 600, height_px: int | None = None, **kwargs: Any) -> bytes:
        """PNG bytes of :meth:`render_image` (transparent background, for the card)."""
        buf = io.BytesIO()
        self.render_image(width_px, height_px, **kwargs).save(buf, format="PNG", optimize=True)
        return buf.getvalue()

    def to_svg(
        self,
        *,
        pen_width: float = 6.0,
        color: str = "#000000",
        crop: str = "ink",
        margin: float = 20.0,
    ) -> str:
        """SVG text: ``viewBox`` in pad units, one ``<path>`` per non-empty stroke,
        round caps/joins, no background (transparent). ``pen_width`` in pad units.
        A one-point stroke is drawn as a dot (zero-length segment with round cap).
        """
        vx, vy, vw, vh = self._view(crop, margin)
        vw, vh = max(vw, 1.0), max(vh, 1.0)
        parts = [
            '<svg xmlns="http://www.w3.org/2000/svg" '
            f'viewBox="{_num(vx)} {_num(vy)} {_num(vw)} {_num(vh)}" '
            f'width="{_num(vw)}" height="{_num(vh)}">'
        ]
        for stroke in self.strokes:
            if not stroke.points:
                continue
            first, *rest = stroke.points
            d = [f"M{_num(first.x)} {_num(first.y)}"]
            d += [f"L{_num(p.x)} {_num(p.y)}" for p in rest] or ["l0 0"]
            parts.append(
                f'<path d="{" ".join(d)}" fill="none" stroke="{color}" '
                f'stroke-width="{_num(pen_width)}" stroke-linecap="round" stroke-linejoin="round"/>'
            )
        parts.append("</svg>")
        return "\n".join(parts)
