"""Long lists within Telegram's limits: pages with ◀ ▶ buttons, or a message in parts.

Telegram refuses a text over 4,096 characters and a keyboard over ~100 buttons (see the
stand-in, bot/sandbox/botapi_methods.py). A list is made of `Item`s (its lines and its buttons);
`paginate` fills pages up to PAGE_CHARS and PAGE_ROWS button rows, repeating the group header
(e.g. the day) at the top of a page that starts inside a group. The ◀ ▶ buttons carry the page
number in their callback data (`<prefix>:<page>`: stateless, so any page of any message can be
shown again); the number is validated by each feature's pattern and clamped to the pages that
exist now (the list may have shrunk since the message was sent).

Where paging makes no sense (a summary whose every line matters and whose buttons confirm what
is listed) `split_text` cuts a text into messages at line ends: nothing is ever cut off.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from telegram import Update

from handlers.telegram.common import Buttons, edit_or_say, say
from handlers.texts import common as texts

TEXT_MAX = 4096  # Telegram: 1-4096 characters after entity parsing
PAGE_CHARS = 3500  # a page's body, leaving room for a header and the footer
PAGE_ROWS = 20  # button rows on a page (Telegram allows ~100 buttons; a phone shows ~20)
PAGE_DATA_DIGITS = 4  # page numbers in callback data: 0-9999


@dataclass(frozen=True)
class Item:
    """One entry of a list: its text (one or more lines), its button rows, its group."""

    text: str
    rows: Buttons = ()
    group: str | None = None  # a header shown before the first item of each group on a page


@dataclass
class Page:
    """What one message shows."""

    lines: list[str] = field(default_factory=list)
    rows: list[Sequence[tuple[str, str]]] = field(default_factory=list)
    size: int = 0

    def add(self, text: str) -> None:
        self.lines.append(text)
        self.size += len(text) + 1


def paginate(items: Sequence[Item], *, chars: int = PAGE_CHARS,
             rows: int = PAGE_ROWS) -> list[Page]:
    """Items in order on as few pages as fit `chars` characters and `rows` button rows."""
    pages: list[Page] = [Page()]
    shown_group: str | None = None
    for item in items:
        page = pages[-1]
        header = item.group if item.group is not None and item.group != shown_group else None
        need = len(item.text) + 1 + (len(header) + 1 if header else 0)
        full = page.size + need > chars or len(page.rows) + len(item.rows) > rows
        if (page.lines or page.rows) and full:
            page = Page()
            pages.append(page)
            header = item.group
        if header:
            page.add(header)
            shown_group = item.group
        for part in split_text(item.text, chars) if item.text else ():
            page.add(part)
        page.rows.extend(item.rows)
    return pages


def split_text(text: str, limit: int = PAGE_CHARS) -> list[str]:
    """`text` in parts of at most `limit` characters, cut at line ends (inside a line only
    when one line alone is longer)."""
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:limit])
            line = line[limit:]
        joined = f"{current}\n{line}" if current else line
        if current and len(joined) > limit:
            parts.append(current)
            current = line
        else:
            current = joined
    if current.strip() or not parts:
        parts.append(current)
    return parts


def clamp(page: int, pages: Sequence[object]) -> int:
    """A requested page number within the pages that exist."""
    return max(0, min(page, len(pages) - 1))


def nav_row(prefix: str, page: int, count: int) -> list[tuple[str, str]]:
    """◀ ▶ for page `page` of `count` (only the directions that exist)."""
    row = []
    if page > 0:
        row.append((texts.PAGE_PREVIOUS, f"{prefix}:{page - 1}"))
    if page < count - 1:
        row.append((texts.PAGE_NEXT, f"{prefix}:{page + 1}"))
    return row


def render(pages: Sequence[Page], page: int, prefix: str, header: str = "",
           extra_rows: Buttons = ()) -> tuple[str, Buttons]:
    """The text and keyboard of one page (header on every page, footer when several)."""
    page = clamp(page, pages)
    body = "\n".join(pages[page].lines).strip("\n")
    parts = [header, body] if header and body else [header or body]  # buttons only: no empty line
    if len(pages) > 1:
        parts.append(texts.page_footer(page + 1, len(pages)))
    rows: list[Sequence[tuple[str, str]]] = list(pages[page].rows)
    nav = nav_row(prefix, page, len(pages))
    if nav:
        rows.append(nav)
    rows.extend(extra_rows)
    return "\n".join(parts), rows


async def show_page(update: Update, pages: Sequence[Page], page: int, prefix: str,
                    header: str = "", extra_rows: Buttons = (), *,
                    in_place: bool = False) -> None:
    """Show one page: a new message, or `in_place` the pressed one (◀ ▶, a toggle)."""
    text, rows = render(pages, page, prefix, header, extra_rows)
    if in_place:
        await edit_or_say(update, text, rows or None)
    else:
        await say(update, text, rows or None)


async def say_in_parts(update: Update, text: str, buttons: Buttons | None = None,
                       limit: int = PAGE_CHARS) -> None:
    """Send a long text as several messages (buttons under the last), nothing cut off."""
    parts = split_text(text, limit)
    for number, part in enumerate(parts, 1):
        last = number == len(parts)
        heading = texts.continued(number, len(parts)) + "\n" if number > 1 else ""
        await say(update, heading + part, buttons if last else None)
