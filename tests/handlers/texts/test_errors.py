"""Every error code raised anywhere has a sentence that formats with the parameters it gets."""

from __future__ import annotations

import ast
import itertools
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest

from handlers.texts.errors import ERRORS, Channel, NoSentence, PerChannel, error_text, sentence
from storage.errors import DomainError, NotFound

ROOT = Path(__file__).resolve().parents[3]
SCANNED = ("storage", "handlers", "bot")
RAISERS = {"DomainError", "NotFound", "RowError"}
SAMPLES: dict[str, object] = {"day": date(2026, 12, 4), "limit": Decimal(8), "left": Decimal(2),
                              "kind": "week", "hours": 24, "minutes": 5, "length": 1200, "days": 7,
                              "left_on": date(2021, 12, 15), "referred_on": date(2021, 6, 1)}


@dataclass(frozen=True)
class Site:
    """Where a code is raised and with which parameters."""

    where: str
    code: str
    params: frozenset[str]
    channel: Channel | None  # None: any channel the store's callers use


def _modules() -> dict[Path, ast.Module]:
    files = (p for top in SCANNED for p in (ROOT / top).rglob("*.py") if "migrations" not in p.parts)
    return {p: ast.parse(p.read_text(encoding="utf-8")) for p in files}


@cache
def _functions() -> dict[str, list[ast.FunctionDef]]:
    found: dict[str, list[ast.FunctionDef]] = {}
    for tree in _modules().values():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                found.setdefault(node.name, []).append(node)
    return found


def _returned(name: str) -> set[str] | None:
    """The strings a function returns (None returns ignored); None if it returns anything else."""
    values: set[str] = set()
    for fn in _functions().get(name, []):
        for node in ast.walk(fn):
            if isinstance(node, ast.Return) and node.value is not None:
                value = node.value
                if not (isinstance(value, ast.Constant) and isinstance(value.value, str | None)):
                    return None
                if value.value is not None:
                    values.add(value.value)
    return values or None


def _bound(value: ast.expr, func: ast.AST) -> set[str] | None:
    if isinstance(value, ast.Constant) and value.value is None:
        return set()
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name):
        return _returned(value.func.id)
    return _values(value, func)


def _loop_values(loop: ast.For, name: str) -> set[str] | None:
    items = loop.iter.elts if isinstance(loop.iter, ast.Tuple | ast.List) else None
    if items is None:
        return None
    if isinstance(loop.target, ast.Name):
        return set().union(*(_values(item, loop) or {None} for item in items)) - {None}  # type: ignore[arg-type]
    names = [t.id if isinstance(t, ast.Name) else None for t in loop.target.elts]  # type: ignore[attr-defined]
    index = names.index(name)
    return {item.elts[index].value for item in items  # type: ignore[attr-defined]
            if isinstance(item, ast.Tuple) and isinstance(item.elts[index], ast.Constant)}


def _name_values(name: str, func: ast.AST) -> set[str] | None:
    """Every string a local name can hold in `func` (assignments, walrus, for loops)."""
    values: set[str] = set()
    for node in ast.walk(func):
        found: set[str] | None = set()
        targets = node.targets if isinstance(node, ast.Assign) else (
            [node.target] if isinstance(node, ast.NamedExpr) else [])
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            found = _bound(node.value, func)  # type: ignore[attr-defined]
        elif isinstance(node, ast.For) and name in {n.id for n in ast.walk(node.target)
                                                   if isinstance(n, ast.Name)}:
            found = _loop_values(node, name)
        if found is None:
            return None
        values |= found
    return values or None


def _values(expr: ast.expr, func: ast.AST) -> set[str] | None:
    """The codes an expression can be; None when it cannot be worked out."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return {expr.value}
    if isinstance(expr, ast.Name):
        return _name_values(expr.id, func)
    if isinstance(expr, ast.JoinedStr):
        parts = []
        for part in expr.values:
            inner = part.value if isinstance(part, ast.FormattedValue) else part
            options = _values(inner, func)
            if options is None:
                return None
            parts.append(sorted(options))
        return {"".join(p) for p in itertools.product(*parts)}
    return None


def _params(call: ast.Call, kind: str) -> frozenset[str]:
    if kind == "RowError":
        extra = call.args[2] if len(call.args) > 2 else None
        assert extra is None or isinstance(extra, ast.Dict), ast.unparse(call)
        return frozenset(k.value for k in extra.keys) if extra else frozenset()  # type: ignore[union-attr]
    assert all(k.arg for k in call.keywords), f"**params hide the names: {ast.unparse(call)}"
    return frozenset(k.arg for k in call.keywords)  # type: ignore[misc]


def _enclosing(tree: ast.Module) -> dict[ast.AST, ast.AST]:
    """For each node, the innermost function or for loop around it (a loop binds its names)."""
    owner: dict[ast.AST, ast.AST] = {}
    for scope in ast.walk(tree):
        if isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef | ast.For):
            for node in ast.walk(scope):
                if node is not scope:
                    owner[node] = scope  # walk order: inner scopes overwrite outer ones
    return owner


def _scope(owner: dict[ast.AST, ast.AST], call: ast.Call, arg: ast.expr) -> ast.AST:
    """The innermost loop binding a name the code is made of, else the enclosing function."""
    names = {n.id for n in ast.walk(arg) if isinstance(n, ast.Name)}
    scope = owner.get(call)
    while isinstance(scope, ast.For):
        if names & {n.id for n in ast.walk(scope.target) if isinstance(n, ast.Name)}:
            return scope
        scope = owner.get(scope)
    return scope or call


def _call_sites(path: Path, tree: ast.Module) -> list[Site]:
    owner, sites = _enclosing(tree), []
    for call in ast.walk(tree):
        if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Name):
            continue
        where = f"{path.relative_to(ROOT)}:{call.lineno}"
        kind = call.func.id
        if kind in RAISERS and call.args:
            arg = call.args[1] if kind == "RowError" else call.args[0]
            channel = Channel.cli if kind == "RowError" else None
        elif kind == "SmsCommand" and (arg := next((k.value for k in call.keywords
                                                   if k.arg == "error"), None)) is not None:
            channel = Channel.sms
        else:
            continue
        codes = _values(arg, _scope(owner, call, arg))
        assert codes, f"{where}: cannot tell which error code {ast.unparse(arg)} is"
        params = frozenset() if kind == "SmsCommand" else _params(call, kind)
        sites += [Site(where, code, params, channel) for code in sorted(codes)]
    return sites


@cache
def raise_sites() -> list[Site]:
    """Every place in storage/, handlers/ and bot/ that makes an error with a code."""
    return [site for path, tree in _modules().items() for site in _call_sites(path, tree)]


def _variants(code: str) -> dict[Channel, object]:
    entry = ERRORS[code]
    if isinstance(entry, PerChannel):
        return {c: getattr(entry, c) for c in Channel if getattr(entry, c) is not None}
    return dict.fromkeys(Channel, entry)


def test_the_scan_follows_codes_passed_through_variables() -> None:
    """Codes made from a variable are found (invites, hours window, participant import)."""
    codes = {site.code for site in raise_sites()}
    assert {"invite_invalid", "invite_used", "invite_expired", "hours_future", "hours_too_old",
            "bad_gender", "bad_referred_on", "cancel_missing_number", "slot_taken"} <= codes


@pytest.mark.parametrize("site", raise_sites(), ids=lambda s: f"{s.code}@{s.where}")
def test_every_raised_code_has_a_sentence_for_its_params(site: Site) -> None:
    """Each raise site's code has a sentence, and each variant formats with what it passes."""
    assert site.code in ERRORS, f"{site.where}: no sentence for {site.code!r}"
    variants = _variants(site.code)
    if site.channel is not None:
        assert site.channel in variants, f"{site.where}: no {site.channel} sentence"
    params = {name: SAMPLES.get(name, "7") for name in site.params}
    for channel in [site.channel] if site.channel else variants:
        rendered = error_text(site.code, channel, **params)
        assert rendered.strip() and "{" not in rendered, (site.where, channel, rendered)


def test_every_sentence_is_for_a_code_that_is_raised() -> None:
    """No dead entries: the table holds only codes something raises."""
    assert set(ERRORS) - {site.code for site in raise_sites()} == set()


def test_an_unknown_code_or_channel_raises_instead_of_a_guess() -> None:
    """No silent fallback: an unknown code, or a channel without a variant, is an error."""
    with pytest.raises(NoSentence):
        sentence(DomainError("no_such_code"))
    with pytest.raises(NoSentence):
        sentence(DomainError("hours_missing"), Channel.telegram)
    assert sentence(NotFound("participant_not_found", number="12"), Channel.cli) == (
        "nie ma uczestnika o numerze '12'")


def test_commands_and_keywords_differ_by_channel() -> None:
    """Telegram names the /command, SMS the keyword."""
    assert "/moje" in sentence(NotFound("booking_not_found"))
    assert "MOJE" in sentence(NotFound("booking_not_found"), Channel.sms)
    assert "GODZINY" in sentence(DomainError("hours_invalid"), Channel.sms)
    assert "GODZINY" not in sentence(DomainError("hours_invalid"))
