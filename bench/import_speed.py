"""Import speed over a growing catalogue: `gongkai import` of N records without a 索引号.

    .venv/bin/python bench/import_speed.py [--docs 20000] [--database-url URL]

Writes N law-article records of one publisher (no 索引号, no 文号, no source URL: the records
the importer recognises again by 发布机构 + 名称 + 发布日期) as JSON Lines, 1,000 to a file,
into a fresh catalogue (a temporary SQLite file unless --database-url names an empty
PostgreSQL database), and times the import of each file through the same engine as
`gongkai import` (one transaction per record, 数据核验, the search index kept in step).
Prints documents/s for the first and the last thousand, and for every fifth in between: a rate
that falls as the catalogue grows means a lookup that reads more rows as it grows.
"""

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

PUBLISHER = "全国人民代表大会常务委员会"
PER_FILE = 1000


def article(i: int) -> dict:
    law, number = divmod(i, 200)
    return {
        "title": f"中华人民共和国测试法（{law + 1}） 第{number + 1}条",
        "publisher": PUBLISHER,
        "published_on": f"{1980 + law % 40}-{1 + law % 12:02d}-{1 + law % 28:02d}",
        "category": "法律",
        "body_text": (f"第{number + 1}条　为了规范测试活动，保护当事人的合法权益，根据宪法，制定本法。"
                      "国家机关、企业事业单位和其他组织应当遵守本法的规定。\n") * 4,
    }


def write_files(folder: Path, n: int) -> list[Path]:
    files = []
    for start in range(0, n, PER_FILE):
        path = folder / f"articles-{start // PER_FILE + 1:03d}.jsonl"
        lines = (json.dumps(article(i), ensure_ascii=False) for i in range(start, min(n, start + PER_FILE)))
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        files.append(path)
    return files


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default: SQLite)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="gk-import-bench-"))
    os.environ["GONGKAI_DATA_DIR"] = str(work)
    os.environ.setdefault("GONGKAI_SECRET_KEY", "bench")
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    try:
        from gongkai.importers.batch import import_paths
    except ImportError:  # before the engine was renamed from run.py
        from gongkai.importers.import_files import import_paths

    call_command("migrate", verbosity=0)
    files = write_files(work, args.docs)
    rates = []
    for number, path in enumerate(files, start=1):
        started, cpu_started = time.perf_counter(), time.process_time()
        summary = import_paths([path], progress=False)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        done = summary.created + summary.updated
        rates.append((number, done / seconds, done / cpu))
        print(f"  thousand {number}: {done / seconds:,.0f} docs/s, {done / cpu:,.0f} per CPU-second "
              f"(skipped {len(summary.skipped)})", file=sys.stderr, flush=True)
    # The first thousand also loads the segmentation dictionary: the second is the baseline too.
    shown = [r for r in rates if r[0] in (1, 2, len(rates)) or r[0] % 5 == 0]
    print(f"## `gongkai import`, {args.docs:,} records without 索引号 "
          f"({connection.vendor}, {PER_FILE:,} per file)\n")
    print("| thousand | docs/s (wall clock) | docs per CPU-second of the importing process |")
    print("|---|---|---|")
    for number, rate, cpu_rate in shown:
        print(f"| {number:,} | {rate:,.0f} | {cpu_rate:,.0f} |")
    print(f"\nlast ÷ second thousand: {rates[-1][1] / rates[1][1]:.2f} (wall), "
          f"{rates[-1][2] / rates[1][2]:.2f} (CPU)")


if __name__ == "__main__":
    main()
