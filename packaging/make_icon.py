"""Draw ``packaging/credencializacion.ico`` (a card with a face and a signature line).

Run once when the design changes: ``python packaging/make_icon.py``. Pillow only;
the icon is committed so builds never depend on this script.
"""
from pathlib import Path

from PIL import Image, ImageDraw


def draw(size: int = 256) -> Image.Image:
    """The icon at ``size`` px (RGBA)."""
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    s = size / 256
    d.rounded_rectangle((8 * s, 40 * s, 248 * s, 216 * s), radius=22 * s, fill=(0, 104, 71, 255))  # card
    d.rounded_rectangle((28 * s, 64 * s, 108 * s, 172 * s), radius=10 * s, fill=(255, 255, 255, 255))  # photo
    d.ellipse((48 * s, 78 * s, 88 * s, 118 * s), fill=(0, 104, 71, 255))  # head
    d.pieslice((36 * s, 122 * s, 100 * s, 190 * s), 180, 360, fill=(0, 104, 71, 255))  # shoulders
    for y in (78, 104, 130):
        d.rounded_rectangle((124 * s, y * s, 228 * s, (y + 12) * s), radius=5 * s, fill=(255, 255, 255, 230))
    d.line([(124 * s, 182 * s), (150 * s, 164 * s), (168 * s, 184 * s), (190 * s, 166 * s), (226 * s, 180 * s)],
           fill=(255, 214, 0, 255), width=max(1, int(7 * s)), joint="curve")
    return img


if __name__ == "__main__":
    out = Path(__file__).with_name("credencializacion.ico")
    draw().save(out, sizes=[(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)])
    draw().save(Path("/tmp/credencializacion-icon.png"))
    print(out)
