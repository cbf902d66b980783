"""Hostile spreadsheets (issue #12): each is refused in under a second with under 100 MB of memory.

Builds the files itself (tests/lib/hostile_files.py): the probe's ~200 KB .xlsx whose shared strings
unzip to 200 MB, a 1,000,000-blank-row sheet (numbered rows, 2.8 MB; unnumbered, a few KB), one cell
on Excel's last row, a sheet that declares every cell of the grid, a CSV of a million blank lines;
and two real-sized files that must still be read (a 1,000-member list, the province's 20,000
villages). Each is read by tocns.lib.sheets.read_table in its own fresh Python process, which
reports the time, tracemalloc's peak and the growth of the process's peak RSS (getrusage maxrss)
over what Django itself takes.

    .venv/bin/python bench/sheets.py

Targets: every hostile file refused in < 1 s and < 100 MB; the real files read whole."""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS, TARGET_MB = 1.0, 100


def _measure(path: str, name: str, max_rows: int) -> dict:
    """Run in the child process: read one file once, as an import would."""
    import resource
    import time
    import tracemalloc

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tocns.settings")
    import django

    django.setup()
    from django.core.exceptions import ValidationError
    from openpyxl import load_workbook  # noqa: F401  (loaded before the baseline, as in a worker)

    from tocns.lib.sheets import read_table

    data = Path(path).read_bytes()
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    started = time.perf_counter()
    try:
        rows = len(read_table(data, name, max_rows=max_rows))
        outcome = "read, " + f"{rows:,}".replace(",", ".") + " rows"
    except ValidationError as exc:
        outcome = "refused: " + " ".join(exc.messages)
    seconds = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - baseline
    return {"seconds": seconds, "traced_mb": peak / 2**20, "rss_mb": max(grown, 0) / 1024, "outcome": outcome}


def _real_files() -> dict[str, tuple[bytes, str, int]]:
    import io

    from openpyxl import Workbook

    def book(rows) -> bytes:
        workbook = Workbook()
        for row in rows:
            workbook.active.append(row)
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()

    members = [["Họ và tên", "Số điện thoại", "Giới tính", "Năm sinh", "Thành phần", "Nơi công tác", "Thôn nơi ở"]]
    members += [[f"Giàng Seo Chứ {n}", f"09{n:08d}", "Nam", 1990, "Giáo viên", "Trường Tiểu học", "Thôn Nà Khà"]
                for n in range(1000)]
    villages = [["Xã, phường", "Tên thôn", "Loại", "Mã"]]
    villages += [[f"Xã Thượng Lâm {n // 30}", f"Thôn Nà Khà {n}", "Thôn", f"T{n:06d}"] for n in range(20000)]
    return {"real: 1.000 members (.xlsx)": (book(members), "thanh-vien.xlsx", 1000),
            "real: 20.000 villages (.xlsx)": (book(villages), "thon.xlsx", 20000)}


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from tests.lib import hostile_files

    cases = {
        "shared strings → 200 MB": (hostile_files.shared_strings_bomb(), "ds.xlsx", 1000),
        "1.000.000 blank rows, numbered": (hostile_files.blank_rows(1_000_000), "ds.xlsx", 1000),
        "1.000.000 blank rows, unnumbered": (
            hostile_files.blank_rows(1_000_000, formatted=False, numbered=False, level=9), "ds.xlsx", 1000),
        "30.000 blank rows (under zip limits)": (hostile_files.blank_rows(30_000), "ds.xlsx", 1000),
        "one cell on row 1.048.576": (hostile_files.far_cell(), "ds.xlsx", 1000),
        "dimension A1:XFD1048576": (hostile_files.declared_huge(), "ds.xlsx", 1000),
        "1.000.000 blank CSV lines": (b"Ten;SDT\n" + b";\n" * 1_000_000 + b"A;1\n", "ds.csv", 1000),
        **_real_files(),
    }
    print(f"{'file':36} {'size':>9} {'seconds':>8} {'traced MB':>10} {'RSS +MB':>8}  outcome")
    failures = []
    with tempfile.TemporaryDirectory() as folder:
        for label, (data, name, max_rows) in cases.items():
            path = Path(folder) / name
            path.write_bytes(data)
            child = subprocess.run([sys.executable, __file__, "--one", str(path), name, str(max_rows)],
                                   capture_output=True, text=True, cwd=ROOT, check=True)
            result = json.loads(child.stdout.strip().splitlines()[-1])
            size = f"{len(data) / 1024:,.0f} KB" if len(data) < 2**20 else f"{len(data) / 2**20:,.1f} MB"
            print(f"{label:36} {size:>9} {result['seconds']:8.3f} {result['traced_mb']:10.1f} "
                  f"{result['rss_mb']:8.1f}  {result['outcome'][:90]}")
            hostile = not label.startswith("real")
            if hostile and (not result["outcome"].startswith("refused") or result["seconds"] >= TARGET_SECONDS
                            or max(result["traced_mb"], result["rss_mb"]) >= TARGET_MB):
                failures.append(label)
            if not hostile and not result["outcome"].startswith("read"):
                failures.append(label)
    print("\nTarget: every hostile file refused in < 1 s and < 100 MB; real files read whole:",
          "met" if not failures else f"MISSED for {', '.join(failures)}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        sys.path.insert(0, str(ROOT))
        print(json.dumps(_measure(sys.argv[2], sys.argv[3], int(sys.argv[4]))))
    else:
        main()
