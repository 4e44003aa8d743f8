"""`kisbot participants edit NUMBER --language`: staff set a participant's language (audited)."""

from __future__ import annotations


def test_the_command_line_sets_a_language(kisbot) -> None:
    assert kisbot("participants", "add", "--number", "7", "--first-name", "Olena",
                  "--last-name", "Koval", "--gender", "K", "--referred-on", "2026-11-02").exit_code == 0
    result = kisbot("participants", "edit", "7", "--language", "UA")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Zapisane: uczestnik 7 dostaje teraz wiadomości w języku: ukraiński."
    assert kisbot("participants", "list").output.strip().endswith("\tuk")
    again = kisbot("participants", "edit", "7", "--language", "uk")
    assert again.output.strip() == "Uczestnik 7 już ma język: ukraiński. Nic nie zmieniono."
    bad = kisbot("participants", "edit", "7", "--language", "de")
    assert bad.exit_code == 2 and "pl, uk lub en" in bad.output
    assert kisbot("participants", "edit", "7").exit_code == 2
    missing = kisbot("participants", "edit", "99", "--language", "uk")
    assert missing.exit_code == 2 and "99" in missing.output
    log = kisbot("audit", "--limit", "5")
    assert "participant_language" in log.output
