"""A monitor on plain HTTP reaches /healthz under production settings (HTTPS=1), while every
other page still redirects to HTTPS (issue 12, item 10)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent

PROBE = ("from django.test import Client; c = Client(); "
         "h = c.get('/healthz'); p = c.get('/dang-ky/'); "
         "print(h.status_code, h.content.decode().strip(), p.status_code, p.get('Location'))")


def test_healthz_answers_200_over_plain_http_with_https_on(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "HTTPS", "SECRET_KEY", "ALLOWED_HOSTS"}}
    env.update({"DEBUG": "0", "HTTPS": "1", "ALLOWED_HOSTS": "testserver",
                "SECRET_KEY": "k8#Lq2vX9!pZr4@Wm7^Tn3&Yb6*Hc1%Jd5(Fg0)Ks8-Qe2+Ua4=Vi7_Ro9~",
                "DATABASE_URL": f"sqlite:///{tmp_path / 'probe.sqlite3'}"})
    result = subprocess.run([sys.executable, "manage.py", "shell", "-v", "0", "-c", PROBE], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["200", "ok", "301", "https://testserver/dang-ky/"]
