"""The interface strings to translate (translations/messages.pot) are up to date."""

import subprocess

from .conftest import ROOT


def test_messages_pot_is_current(tmp_path):
    fresh = tmp_path / "messages.pot"
    subprocess.run(["make", "-s", "--no-print-directory", "messages", f"POT={fresh}"],
                   cwd=ROOT, check=True, timeout=120)
    committed = (ROOT / "translations" / "messages.pot").read_text()
    assert fresh.read_text() == committed, "run 'make messages' and commit translations/messages.pot"
