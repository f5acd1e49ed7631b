"""The city's look: name, primary colour and logo, from settings.

The primary colour carries white header text, links and buttons, so it must reach WCAG's 4.5:1
contrast (1.4.3) against white and against the panel grey; settings refuse one that does not,
naming the ratio, before the server starts (dialog/settings.py checks colour and logo). The
colour reaches pages as a tiny stylesheet (`/brand.css`, no inline style under the CSP), the
logo as `/brand/logo`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from dialog.settings import Settings

LOGO_TYPES = {".svg": "image/svg+xml", ".png": "image/png"}


def darker(colour: str, factor: float = 0.75) -> str:
    """The hover shade: each channel scaled towards black."""
    r, g, b = (round(int(colour[i : i + 2], 16) * factor) for i in (1, 3, 5))
    return f"#{r:02x}{g:02x}{b:02x}"


@dataclass(frozen=True)
class Identity:
    name: str
    colour: str
    logo: Path | None

    @classmethod
    def of(cls, settings: Settings) -> Identity:
        return cls(name=settings.site_name, colour=settings.brand_colour, logo=settings.logo)

    @property
    def version(self) -> str:
        """Changes whenever the stylesheet or logo would, so both can be cached for a year."""
        logo = f"{self.logo}:{self.logo.stat().st_mtime_ns}" if self.logo else ""
        return hashlib.sha256(f"{self.colour}|{logo}".encode()).hexdigest()[:12]

    @property
    def stylesheet(self) -> str:
        return f":root {{ --brand: {self.colour}; --brand-dark: {darker(self.colour)}; }}\n"

    @property
    def logo_type(self) -> str:
        return LOGO_TYPES[self.logo.suffix.lower()] if self.logo else ""
