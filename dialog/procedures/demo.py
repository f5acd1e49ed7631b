"""Demo images for two procedures: simple drawings made here (no photo of anyone, no licence
question), stored as staff would store them, with a text alternative that says what they show."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw
from sqlalchemy import select

from dialog.concerns.photos import clean
from dialog.db import UnitOfWork
from dialog.procedures.images import ImageChange, do_apply
from dialog.procedures.models import Procedure

SKY, GRASS, PATH, TREE, TRUNK, BENCH = (
    (150, 200, 235),
    (120, 175, 90),
    (220, 205, 170),
    (45, 115, 60),
    (110, 80, 50),
    (90, 60, 40),
)


def square_with_trees() -> bytes:
    image = Image.new("RGB", (1200, 675), SKY)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 380, 1200, 675), fill=GRASS)
    draw.polygon([(520, 675), (680, 675), (640, 380), (560, 380)], fill=PATH)
    for x in (150, 330, 870, 1050):
        draw.rectangle((x - 12, 300, x + 12, 430), fill=TRUNK)
        draw.ellipse((x - 90, 160, x + 90, 340), fill=TREE)
    for x in (420, 740):
        draw.rectangle((x - 60, 470, x + 60, 490), fill=BENCH)
        draw.rectangle((x - 55, 490, x - 45, 520), fill=BENCH)
        draw.rectangle((x + 45, 490, x + 55, 520), fill=BENCH)
    return _png(image)


def cycle_lane() -> bytes:
    image = Image.new("RGB", (1200, 675), SKY)
    draw = ImageDraw.Draw(image)
    draw.polygon([(0, 675), (1200, 675), (700, 300), (500, 300)], fill=(90, 90, 95))
    draw.polygon([(760, 675), (1000, 675), (680, 300), (640, 300)], fill=(200, 70, 60))
    for y in range(320, 675, 60):
        draw.line([(600, y), (600, y + 30)], fill=(250, 250, 250), width=6)
    draw.rectangle((0, 300, 1200, 310), fill=GRASS)
    return _png(image)


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


IMAGES = {
    "neugestaltung-des-bassinplatzes": (
        square_with_trees,
        "Zeichnung: ein Platz mit vier Bäumen, zwei Bänken und einem Weg in der Mitte",
    ),
    "radverkehrskonzept-2030": (
        cycle_lane,
        "Zeichnung: eine Straße mit rot markiertem Radfahrstreifen am rechten Rand",
    ),
}


async def add_images(uow: UnitOfWork) -> None:
    found = await uow.session.scalars(select(Procedure).where(Procedure.slug.in_(list(IMAGES))))
    for procedure in found:
        draw, alt = IMAGES[procedure.slug]
        await do_apply(uow, procedure, ImageChange(clean(draw(), field="image"), alt, False))
