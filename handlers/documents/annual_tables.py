"""The annual report's tables, once, for both the text and the workbook (no names, only counts)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from handlers.texts import annual as t
from handlers.texts import fmt
from storage.annual import AnnualReport, GroupRow, ParticipantsPart, StaffPart
from storage.annual_activities import ActivityRow, GrantRow, GrantsPart
from storage.periods import ByGender

Cell = str | int | Decimal | date | None


@dataclass(frozen=True)
class Table:
    """A titled table: header, rows (a None cell reads 'brak danych'), notes under it."""

    title: str
    header: tuple[str, ...]
    rows: list[list[Cell]]
    notes: list[str] = field(default_factory=list)
    money_columns: tuple[int, ...] = ()


@dataclass(frozen=True)
class Part:
    """One part of the report: its sheet name and its tables."""

    sheet: str
    tables: list[Table]


def gender(g: ByGender) -> list[Cell]:
    """Razem, K, M."""
    return [g.total, g.women, g.men]


def parts(report: AnnualReport) -> list[Part]:
    """The four parts in the statute's order."""
    return [Part(t.SHEET_STAFF, [staff_table(report.staff, report.year)]),
            Part(t.SHEET_PEOPLE, people_tables(report.participants, report.year)),
            Part(t.SHEET_ACTIVITIES, [activities_table(report.activities)]),
            Part(t.SHEET_GRANTS, [grants_table(report.grants)])]


def staff_table(s: StaffPart, year: int) -> Table:
    """Part I: one row per employment period; totals under the table."""
    rows: list[list[Cell]] = [
        [r.ordinal, t.roles_label(r.roles), t.BASIS_LABELS[r.basis],
         t.working_time(r.fte, r.monthly_hours), t.span(r.since, r.until)] for r in s.rows]
    if not rows:
        rows = [["", t.NO_STAFF, None, None, None]]
    last_day = fmt.numeric_date(date(year, 12, 31))
    totals: list[list[Cell]] = [
        ["", t.STAFF_COUNT, s.people if s.rows else None, "", ""],
        *(["", f"– {t.BASIS_LABELS[b]}", n if s.rows else None, "", ""]
          for b, n in s.by_basis.items()),
        ["", t.FTE_ON_LAST_DAY.format(date=last_day), s.fte_on_last_day, "", ""],
        ["", t.AVERAGE_FTE, s.average_fte, "", ""]]
    if s.unrecorded:
        totals.append(["", t.UNRECORDED, s.unrecorded, "", ""])
    return Table(t.PART_STAFF, t.STAFF_HEADER, rows + totals)


def group_cells(label: str, g: GroupRow) -> list[Cell]:
    """A group's row: people, effects, employment (each razem, K, M)."""
    return [label, *gender(g.people), *gender(g.effects), *gender(g.employed)]


def people_tables(p: ParticipantsPart, year: int) -> list[Table]:
    """Part II: the groups, then the exits by outcome."""
    rows = [group_cells(t.group_label(g.code), g) for g in p.groups]
    rows.append(group_cells(t.TOTAL, p.total))
    notes = [t.EFFECTS_RULE]
    if unknown := p.exits.get(None, ByGender()).total:
        notes.append(t.no_outcome_note(unknown))
    exits: list[list[Cell]] = [
        [t.OUTCOME_LABELS[o] if o else t.NO_OUTCOME, *gender(g)] for o, g in p.exits.items()]
    exits += [[t.TOTAL, *gender(p.finished)], [t.STARTED, *gender(p.started)],
              [t.IN_CLUB_ON.format(date=fmt.numeric_date(date(year, 12, 31))),
               *gender(p.in_club_on_last_day)]]
    return [Table(t.PART_PEOPLE, t.PEOPLE_HEADER, rows, notes),
            Table(t.EXITS_TITLE, t.EXITS_HEADER, exits)]


def activities_table(rows: list[ActivityRow]) -> Table:
    """Part III: each activity; the total sums meetings and hours, not people."""
    out: list[list[Cell]] = [
        [t.ACTIVITY_LABELS[r.kind], r.meetings, r.hours, *gender(r.people), *gender(r.effects)]
        for r in rows]
    out.append([t.TOTAL, sum(r.meetings for r in rows), sum((r.hours for r in rows), Decimal(0)),
                t.NOT_SUMMED, "", "", t.NOT_SUMMED, "", ""])
    return Table(t.PART_ACTIVITIES, t.ACTIVITIES_HEADER, out, [t.NOT_SUMMED_NOTE, t.EFFECTS_RULE])


def grant_cells(ordinal: Cell, g: GrantRow) -> list[Cell]:
    """A grant's row."""
    return [ordinal, g.source, g.granted, g.spent, g.unspent]


def grants_table(g: GrantsPart) -> Table:
    """Part IV: the year's grants, or a row saying none were recorded."""
    title = t.PART_GRANTS.format(year=g.year)
    if not g.rows:
        return Table(title, t.GRANTS_HEADER, [["", t.NO_GRANTS.format(year=g.year), None, None,
                                                None]])
    rows = [grant_cells(n, row) for n, row in enumerate(g.rows, start=1)]
    total = GrantRow(t.TOTAL, g.total.granted, g.total.spent)
    return Table(title, t.GRANTS_HEADER, [*rows, grant_cells("", total)], money_columns=(2, 3, 4))
