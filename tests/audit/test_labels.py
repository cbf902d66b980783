"""Every audit action written with a fixed name has words in the log (tocns/audit/labels.py): an
officer reading the log sees "Ghi quyết định kiện toàn tổ", not "team.members_decision"."""

import re
from pathlib import Path

from tocns.audit.labels import ACTIONS

SOURCE = Path(__file__).resolve().parents[2] / "tocns"
FIXED = re.compile(r'action="([a-z_]+\.[a-z_]+)"')


def test_every_fixed_audit_action_has_a_vietnamese_label():
    written = {name for path in SOURCE.rglob("*.py") for name in FIXED.findall(path.read_text())}
    assert written, "the search found no audit actions"
    missing = sorted(name for name in written if name not in ACTIONS)
    assert not missing, missing
