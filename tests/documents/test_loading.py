"""WeasyPrint is loaded by the first PDF, not by every web worker when the app starts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_app_starts_without_loading_weasyprint(tmp_path: Path) -> None:
    code = (
        "import sys; from helpdesk import create_app; create_app(); "
        "import helpdesk.mail.sender, helpdesk.views.manager.case_export; "
        "print('weasyprint' in sys.modules)"
    )
    env = {"HELPDESK_DATA_DIR": str(tmp_path), "HELPDESK_SECRET_KEY": "k" * 32, "PATH": ""}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False", result.stderr
