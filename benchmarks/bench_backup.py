"""The start-up check, the restore's check and the nightly backup on a big shop (run on demand).

  python benchmarks/bench_backup.py [--sales 200000]

What a market box pays: ``kissi serve`` runs ``PRAGMA quick_check`` at every start, ``kissi
restore`` runs the full ``integrity_check`` on the backup, the nightly timer makes an online
backup. SETUP, not measured: the shop of ``bench_ledger.bulk_shop`` (bulk-inserted sales).
Baseline in the same run: reading the whole file once (``cat``-like), what no check can beat.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_ledger import bulk_shop  # noqa: E402

from kissi.deploy import backups  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sales", type=int, default=200_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.sqlite3"
        db, *_ = bulk_shop(path, args.sales)
        db.execute("pragma wal_checkpoint(truncate)")
        db.conn.close()
        timings = {}
        for name, run in (("read the file", lambda: path.read_bytes()),
                          ("quick_check (serve)", lambda: backups.problems(path)),
                          ("integrity_check (restore)", lambda: backups.problems(path, full=True)),
                          ("online backup (nightly)", lambda: backups.copy_database(path, Path(tmp) / "copy"))):
            started = time.perf_counter()
            run()
            timings[name] = time.perf_counter() - started
        base = timings["read the file"]
        print(f"{path.stat().st_size / 1e6:.0f} MB, {args.sales:,} sales")
        for name, seconds in timings.items():
            print(f"  {name:28} {seconds:6.2f} s  ({seconds / base:5.1f} x reading the file)")


if __name__ == "__main__":
    main()
