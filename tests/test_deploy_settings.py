"""Production settings pass Django's deployment checklist with no warning."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_check(extra_env):
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "HTTPS", "SECRET_KEY", "ALLOWED_HOSTS",
                                                          "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(extra_env)
    return subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_check_deploy_prints_no_warning_under_production_settings():
    result = run_check({"DEBUG": "0", "HTTPS": "1", "ALLOWED_HOSTS": "tocns.tuyenquang.gov.vn",
                        "SECRET_KEY": "k8#Lq2vX9!pZr4@Wm7^Tn3&Yb6*Hc1%Jd5(Fg0)Ks8-Qe2+Ua4=Vi7_Ro9~"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr and "issues" in result.stdout


def test_check_deploy_complains_when_production_forgets_the_secret_key_or_https():
    result = run_check({"DEBUG": "0"})
    assert result.returncode != 0
    assert "security.W009" in result.stderr and "security.W008" in result.stderr
