"""The systemd unit shipped in deploy/ runs what the README says, the way bot/watchdog expects."""

from __future__ import annotations

import configparser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def unit() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(ROOT / "deploy" / "kisbot.service")
    return parser


def test_the_unit_runs_kisbot_under_the_watchdog_with_private_files() -> None:
    service = unit()["Service"]
    assert service["ExecStart"].endswith("/.venv/bin/kisbot run")
    assert (service["Type"], service["NotifyAccess"]) == ("notify", "main")
    assert int(service["WatchdogSec"]) >= 60  # pings come every half of it
    assert service["UMask"] == "0077"
    assert service["StandardError"] == "journal"
    assert service["WorkingDirectory"] in service["ReadWritePaths"].split()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "deploy/kisbot.service" in readme and service["WorkingDirectory"] in readme


def test_the_wrapper_runs_commands_where_the_service_runs() -> None:
    wrapper = (ROOT / "deploy" / "kisbot").read_text(encoding="utf-8")
    service = unit()["Service"]
    assert f"cd {service['WorkingDirectory']}" in wrapper
    assert f"sudo -u {service['User']} {service['ExecStart'].removesuffix(' run')}" in wrapper
    assert (ROOT / "deploy" / "kisbot").stat().st_mode & 0o111
