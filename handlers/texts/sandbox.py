"""Texts of the local sandbox (console lines and the SMS stand-in's notes)."""

from __future__ import annotations

from storage.models import Role


def running(url: str) -> str:
    """The line printed once the sandbox is ready."""
    return (f"Piaskownica działa: {url}\n"
            "Otwórz ten adres w przeglądarce. Zatrzymanie: Ctrl+C.")


def fresh_database(path: str) -> str:
    """Said on every start: the demo database is made anew."""
    return f"Piaskownica: nowa baza demonstracyjna {path} (tworzona od nowa przy każdym starcie)."


def port_taken(host: str, port: int) -> str:
    """The sandbox's port is in use."""
    return (f"adres {host}:{port} jest zajęty; zamknij program, który go używa, "
            "albo ustaw inny port: SANDBOX_PORT=8081")


STOPPED = "Piaskownica zatrzymana."


ROLE_LABELS = {
    Role.psychologist: "psycholog",
    Role.career_advisor: "doradca zawodowy",
    Role.social_worker: "pracownik socjalny",
    Role.coordinator: "koordynator",
    Role.admin: "administrator",
}


def staff_label(roles: frozenset[Role]) -> str:
    """A staff member's roles in Polish, e.g. 'koordynator, pracownik socjalny'."""
    return ", ".join(ROLE_LABELS[r] for r in Role if r in roles)


READS = {"uk": "czyta po ukraińsku", "en": "czyta po angielsku"}


def participant_label(gender: str, site: str | None, language: str = "pl") -> str:
    """'uczestniczka, PSU: Urząd Miasta', 'uczestnik' or 'uczestniczka, czyta po ukraińsku'."""
    who = "uczestniczka" if gender == "K" else "uczestnik"
    parts = [who, *([f"PSU: {site}"] if site else []),
             *([READS[language]] if language in READS else [])]
    return ", ".join(parts)
