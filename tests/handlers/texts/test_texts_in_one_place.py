"""Every sentence a person reads lives in handlers/texts/: no Polish literal elsewhere in the code."""

from __future__ import annotations

import ast
import re
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SCANNED = ("bot", "handlers")
TEXTS = ROOT / "handlers" / "texts"
# Sample people and places for the sandbox: data, not sentences.
ALLOWED = {ROOT / "bot" / "sandbox" / "seed.py"}
LOG_METHODS = {"debug", "info", "warning", "error", "exception", "critical", "log"}
POLISH_LETTERS = re.compile(r"[ąćęłńóśźżĄĆĘŁŃÓŚŹŻ]")
POLISH_WORDS = re.compile(
    r"\b(nie|jest|albo|lub|oraz|dla|czy|aby|przez|brak|jako|tylko|podaj|napisz|wybierz|dodaj|"
    r"dodano|zapisano|wypisz|wczytaj|plik|baza|bazy|danych|uczestnik\w*|pracownik\w*|wizyt\w*|"
    r"termin|terminy|terminu|godzin[ay]?|dzisiaj|jutro|stawk\w+|miejsce|miejsca|ogloszenie)\b",
    re.IGNORECASE)


def _skipped(tree: ast.Module) -> set[int]:
    """Docstrings and log messages (English, for developers)."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) \
                and body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            skipped.add(id(body[0].value))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr in LOG_METHODS:
            skipped.update(id(inner) for inner in ast.walk(node))
    return skipped


def looks_polish(value: str) -> bool:
    """A sentence, label or help text in Polish (not a lone letter or a keyword)."""
    if len(value.strip()) > 1 and POLISH_LETTERS.search(value):
        return True
    if " " in value.strip() and POLISH_WORDS.search(value):
        return True
    has_symbol = any(unicodedata.category(c) == "So" for c in value)
    return has_symbol and bool(re.search(r"[A-Za-z]{3}", value))  # '🗓 Agenda'


def polish_literals(path: Path) -> list[str]:
    """'file:line: text' for every Polish string constant (f-string parts included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = _skipped(tree)
    return [f"{path.relative_to(ROOT)}:{node.lineno}: {node.value!r}" for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and id(node) not in skipped and looks_polish(node.value)]


def test_the_detector_tells_polish_from_code() -> None:
    """It catches sentences, help and menu labels, and leaves keywords and English alone."""
    for polish in ("Dodano pracownika nr 3", "Imię.", "K lub M.", "🗓 Agenda", "Plik CSV."):
        assert looks_polish(polish), polish
    for other in ("ł", "GODZINY", "wizyta", "bad update", "Content-Type must be application/json",
                  "%Y-%m-%d %H:%M:%S", "telegram"):
        assert not looks_polish(other), other


def test_no_polish_literal_outside_the_texts() -> None:
    """bot/ and handlers/ (but handlers/texts/) say nothing in Polish themselves."""
    found = [line for top in SCANNED for path in sorted((ROOT / top).rglob("*.py"))
             if TEXTS not in path.parents and path not in ALLOWED
             for line in polish_literals(path)]
    assert found == [], "move these to handlers/texts/:\n" + "\n".join(found)
