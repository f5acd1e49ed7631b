"""Message catalogs: find untranslated messages and add them to a part's German catalog.

python -m dialog.i18n_tools missing        list messages without a German translation
python -m dialog.i18n_tools add PART       append them (empty) to locale/de/.../PART.po
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po, write_po

from dialog.i18n import LOCALE_DIR
from dialog.settings import PROJECT_ROOT

SOURCES = ("dialog", "moderation", "templates")
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "lazy": None,
    **{
        name: None
        for name in (
            "DomainError",
            "InvalidInput",
            "BadRequest",
            "NotAuthenticated",
            "Forbidden",
            "NotFound",
            "Conflict",
            "TooManyRequests",
            "ServiceUnavailable",
            "SignInRefused",
            "LinkRefused",
        )
    },
}
METHODS = [("**.py", "python"), ("**.html", "jinja2.ext:babel_extract")]
OPTIONS = {"**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "false"}}

Message = tuple[str | tuple[str, str], str]  # (msgid or (singular, plural), "path:line")


def extracted() -> Iterator[Message]:
    for source in SOURCES:
        root = PROJECT_ROOT / source
        for filename, lineno, message, _comments, _context in extract_from_dir(
            root, METHODS, OPTIONS, keywords=KEYWORDS
        ):
            if isinstance(message, tuple):
                if not message[0]:
                    continue
                key: str | tuple[str, str] = (message[0], message[1] or message[0])
            elif message:
                key = message
            else:
                continue
            yield key, f"{source}/{filename}:{lineno}"


def german_catalogs() -> dict[Path, Catalog]:
    catalogs = {}
    for path in sorted((LOCALE_DIR / "de" / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as handle:
            catalogs[path] = read_po(handle, locale="de")
    return catalogs


def translated_ids(catalogs: dict[Path, Catalog]) -> set[str]:
    done = set()
    for catalog in catalogs.values():
        for message in catalog:
            text = message.string
            complete = all(text) if isinstance(text, tuple) else bool(text)
            if message.id and complete and not message.fuzzy:
                done.add(
                    str(message.id[0] if isinstance(message.id, (tuple, list)) else message.id)
                )
    return done


def missing() -> list[Message]:
    done = translated_ids(german_catalogs())
    seen: set[str] = set()
    result = []
    for key, where in extracted():
        msgid = key[0] if isinstance(key, tuple) else key
        if msgid not in done and msgid not in seen:
            seen.add(msgid)
            result.append((key, where))
    return result


def add(part: str) -> int:
    path = LOCALE_DIR / "de" / "LC_MESSAGES" / f"{part}.po"
    catalog = Catalog(locale="de", project="dialog")
    if path.exists():
        with path.open("rb") as handle:
            catalog = read_po(handle, locale="de")
    present = {m.id[0] if isinstance(m.id, tuple) else m.id for m in catalog if m.id}
    added = 0
    for key, where in missing():
        msgid = key[0] if isinstance(key, tuple) else key
        if msgid in present:
            continue
        file, _, line = where.rpartition(":")
        catalog.add(
            key, string=("", "") if isinstance(key, tuple) else "", locations=[(file, int(line))]
        )
        added += 1
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, sort_output=False)
    return added


def main(argv: list[str]) -> int:
    if argv[:1] == ["missing"]:
        for key, where in missing():
            print(f"{where}: {key[0] if isinstance(key, tuple) else key}")
        return 0
    if len(argv) == 2 and argv[0] == "add":
        print(f"added {add(argv[1])} messages to de/{argv[1]}.po")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
