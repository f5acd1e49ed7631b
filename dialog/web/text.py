"""Search text as people type it: no NUL or other control characters (PostgreSQL refuses NUL in
text, and none belongs in a query), stripped, bounded."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field

from dialog.i18n import lazy

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def without_control_characters(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError(lazy("Please remove the control characters from the text."))
    return value


SearchText = Annotated[str, Field(max_length=200), AfterValidator(without_control_characters)]
