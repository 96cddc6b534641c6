"""Issue 16, problem 3: `python -m bot demo` needs no token; a person chats in a terminal (a pty here)."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.e2e


class Terminal:
    """`python -m bot demo` on a pseudo-terminal: type lines, read the screen as a person would."""

    def __init__(self, cwd: Path) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_URL", "KNOOPPUNT_", "LOG_LEVEL"))}
        self.controller, terminal = pty.openpty()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "demo"], cwd=cwd, env={**env, "PYTHONPATH": str(ROOT)},
            stdin=terminal, stdout=terminal, stderr=terminal, close_fds=True,
        )
        os.close(terminal)
        self.screen = ""
        self.bold = False

    def read_until(self, text: str, timeout: float = 60) -> str:
        """Everything shown from now until `text` appears (and the prompt after it)."""
        start = len(self.screen)
        deadline = time.monotonic() + timeout
        while True:
            found = self.screen.find(text, start)
            if found >= 0 and self.screen.rstrip().endswith(">"):
                return self.screen[start:]
            assert time.monotonic() < deadline, f"no {text!r} on the screen:\n{self.screen[start:]}"
            ready, _, _ = select.select([self.controller], [], [], 0.2)
            if ready:
                try:
                    shown = os.read(self.controller, 65536).decode(errors="replace").replace("\r\n", "\n")
                    self.bold |= "\x1b[1m" in shown  # <b> shown in bold on a terminal
                    self.screen += re.sub(r"\x1b\[[0-9;]*m", "", shown)
                except OSError:
                    raise AssertionError(f"the demo ended:\n{self.screen[start:]}") from None

    def type(self, line: str, expect: str) -> str:
        os.write(self.controller, (line + "\n").encode())
        return self.read_until(expect)

    def close(self) -> int:
        os.write(self.controller, b"/klaar\n")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # read the goodbye until the terminal closes
            ready, _, _ = select.select([self.controller], [], [], 0.2)
            try:
                chunk = os.read(self.controller, 65536) if ready else b""
            except OSError:
                break
            self.screen += re.sub(r"\x1b\[[0-9;]*m", "", chunk.decode(errors="replace").replace("\r\n", "\n"))
            if not ready and self.process.poll() is not None:
                break
        try:
            return self.process.wait(timeout=30)
        finally:
            os.close(self.controller)


def test_demo_chat_as_resident_volunteer_and_coordinator_without_a_token(tmp_path):
    term = Terminal(tmp_path)
    try:
        welcome = term.read_until("Je bent nu: Fatima")
        assert "niets gaat naar Telegram" in welcome and "/als bewoner" in welcome

        start = term.type("/start", "Hallo Fatima!")
        assert "toetsenbord: (a) 📍 Wat is er dichtbij?" in start  # the reply keyboard, lettered

        asked = term.type("waar is een buurthuiskamer bij mij in de buurt?", "Deel je locatie")
        assert "[BOT]" in asked
        found = term.type("a", "Huiskamer Spangen")  # the location button shares a point in Spangen
        assert "1. Huiskamer Spangen – Buurthuiskamer" in found
        assert re.search(r"\[\d+\] 🕒 Nu open", found)  # inline buttons, numbered (the places' own buttons come first)
        pin_button = re.search(r"\[(\d+)\] 📍 Kaart", found).group(1)  # the pin comes when asked for
        pinned = term.type(pin_button, "Spaansebocht")
        assert "📍 Huiskamer Spangen — Spaansebocht 12, 3027 BA" in pinned and "openstreetmap.org" in pinned  # the venue pin

        agenda = term.type("/agenda", "Wat wil je zien?")
        assert "[3] Deze week" in agenda
        week = term.type("3", "Deze week")
        assert "bewerkt" in week and "Koffieochtend" in week  # the message was edited in place

        volunteer = term.type("/als vrijwilliger", "Je bent nu: Samira")
        assert "vrijwilliger" in volunteer
        mine = term.type("/mijn", "Jouw initiatieven")
        assert "Huiskamer Spangen – actief" in mine
        data = term.type("/mijngegevens", "Hetzelfde als bestand")  # first in sentences, then the file
        assert "📎 bestand knooppunt-102.json" in data and '"about": "Knooppunt: everything stored' in data  # a file, readable

        coordinator = term.type("/als coordinator", "Je bent nu: Jan")
        assert "Weekoverzicht Buurthuiskamers Delfshaven" in coordinator  # what came in while he was away
        preview = term.type("/groep /digest_voorbeeld", "privé gestuurd")
        assert "[GROEP]" in preview and "Deze week in Buurthuiskamers Delfshaven" in preview

        nothing = term.type("9", "Er is geen knop 9")
        assert "Traceback" not in nothing
    finally:
        code = term.close()
    assert code == 0
    assert "Traceback" not in term.screen and "ERROR" not in term.screen
    assert "Demo gestopt" in term.screen and term.bold
    assert list(tmp_path.iterdir()) == []  # nothing left behind where it was started
