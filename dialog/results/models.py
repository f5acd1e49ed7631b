"""Results tables (official answers, hand-over jobs) are defined by the results work."""

from __future__ import annotations
