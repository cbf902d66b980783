"""Under `make run` (DEBUG=1) every log line printed twice: Django's own console handler and the
root's. Each line is printed once now, and runserver's request lines keep their time stamp."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_a_django_log_line_prints_once_under_debug():
    env = {**os.environ, "DEBUG": "1"}
    code = ("import logging; logging.getLogger('django.request').warning('dong-nhat-ky'); "
            "logging.getLogger('django.server').info('\"GET / HTTP/1.1\" 200 1')")
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("dong-nhat-ky") == 1
    assert result.stderr.count("GET / HTTP/1.1") == 1
    line = next(line for line in result.stderr.splitlines() if "GET / HTTP/1.1" in line)
    assert line.startswith("[")  # [30/Nov/2026 18:04:23] "GET / …
