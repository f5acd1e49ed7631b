"""Every string shown to a person is extracted for translation: messages of domain errors,
field errors from validators, and the visible text and labels of every template. A new error
class or a bare sentence in a template fails here instead of reaching a German page in English."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from dialog import i18n_tools
from dialog.settings import PROJECT_ROOT

SOURCES = [PROJECT_ROOT / "dialog", PROJECT_ROOT / "moderation"]
TEMPLATES = PROJECT_ROOT / "templates"
# Names and codes that are the same in every language.
SAME_IN_EVERY_LANGUAGE = {
    "dialog",
    "Deutsch",
    "English",
    "CSV",
    "JSON",
    "XLSX",
    "WerkStadt für Beteiligung",
    "Friedrich Ebert Straße",
    "Potsdam",
    "beteiligung rathaus potsdam de",
}
JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
SHOWN_ATTRIBUTE = re.compile(r'\b(?:aria-label|alt|title|placeholder)="([^"]*)"')
WORD = re.compile(r"[A-Za-zÄÖÜäöüß]{2,}")


def modules() -> Iterator[tuple[Path, ast.Module]]:
    for root in SOURCES:
        for path in sorted(root.rglob("*.py")):
            if "migrations" not in path.parts:
                yield path, ast.parse(path.read_text())


def error_classes() -> set[str]:
    """DomainError and every class derived from it anywhere in the code."""
    found = {"DomainError"}
    trees = [tree for _path, tree in modules()]
    grew = True
    while grew:
        grew = False
        for tree in trees:
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef) and node.name not in found:
                    bases = {
                        b.id if isinstance(b, ast.Name) else getattr(b, "attr", "")
                        for b in node.bases
                    }
                    if bases & found:
                        found.add(node.name)
                        grew = True
    return found


def called_name(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


def is_literal(node: ast.expr) -> bool:
    return isinstance(node, (ast.Constant, ast.JoinedStr)) and not (
        isinstance(node, ast.Constant) and not isinstance(node.value, str)
    )


def test_every_error_class_is_an_extraction_keyword() -> None:
    assert error_classes() - set(i18n_tools.KEYWORDS) == set()


def test_error_messages_are_literal_or_marked_where_they_are_defined() -> None:
    """A literal is extracted through the keyword; a variable must hold a lazy() message (its
    definition is extracted there); an f-string could never be translated."""
    classes = error_classes()
    wrong = []
    for path, tree in modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and called_name(node) in classes and node.args:
                first = node.args[0]
                if isinstance(first, ast.JoinedStr) or (
                    isinstance(first, ast.BinOp) and is_literal(first.left)
                ):
                    wrong.append(f"{path.relative_to(PROJECT_ROOT)}:{node.lineno}")
    assert wrong == []


def test_validators_give_field_errors_marked_for_translation() -> None:
    """Input models' ValueError messages become the field errors people read."""
    wrong = []
    for path, tree in modules():
        if path.name not in ("schemas.py", "forms.py", "inputs.py"):
            continue
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and called_name(node) == "ValueError"
                and node.args
                and is_literal(node.args[0])
            ):
                wrong.append(f"{path.relative_to(PROJECT_ROOT)}:{node.lineno}")
    assert wrong == []


def visible_text(source: str) -> list[str]:
    """Text and shown attributes of a template outside its {{ }} and {% %} parts. A section
    written in one language on purpose says so (`lang="de"`: Leichte Sprache is German)."""
    plain = JINJA.sub("\x00", source)
    plain = re.sub(r'<(section|div|p)\b[^>]*\blang="de"[^>]*>.*?</\1>', " ", plain, flags=re.S)
    shown = [
        value
        for tag in re.findall(r"<[^>]*>", plain)
        for value in SHOWN_ATTRIBUTE.findall(tag)
        if WORD.search(value)
    ]
    text = re.sub(r"<script.*?</script>|<style.*?</style>", " ", plain, flags=re.S)
    text = re.sub(r"<[^>]*>", " ", text)
    text = re.sub(r'[\w-]+="[^"]*"', " ", text)  # attributes written by a macro
    text = re.sub(r"&\w+;|&#\d+;", " ", text)
    for line in text.splitlines():
        words = " ".join(WORD.findall(line))
        if words and words not in SAME_IN_EVERY_LANGUAGE:
            shown.append(words)
    return shown


def test_templates_show_no_text_outside_the_translation_calls() -> None:
    untranslated = {
        str(path.relative_to(TEMPLATES)): found
        for path in sorted(TEMPLATES.rglob("*.html"))
        if (found := visible_text(path.read_text()))
    }
    assert untranslated == {}


def test_the_template_check_sees_a_bare_sentence_and_a_bare_label() -> None:
    source = '<h1>{{ _("Hello") }}</h1><p>Access denied</p><a aria-label="Close" href="/">x</a>'
    assert visible_text(source) == ["Close", "Access denied"]
    assert visible_text('<section lang="de"><h2>Leichte Sprache</h2></section>') == []
