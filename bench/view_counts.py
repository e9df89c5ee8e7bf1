"""浏览次数 buffers, in process: what counting one view costs the page (memory vs Redis), and
what a flush of a busy second costs, beside each other in the same run.

    GONGKAI_SECRET_KEY=bench .venv/bin/python bench/view_counts.py --redis redis://127.0.0.1:6379/5

Uses a throwaway SQLite database (a temporary directory) with --docs documents; the Redis
database given is emptied of its gongkai:views:* keys first and after.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def setup(tmp: str) -> None:
    os.environ.setdefault("GONGKAI_SECRET_KEY", "bench")
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/views.sqlite3"
    os.environ["GONGKAI_DATA_DIR"] = tmp
    os.environ["DJANGO_SETTINGS_MODULE"] = "gongkai.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def make_documents(n: int) -> list[int]:
    from gongkai.catalog.models import Agency
    from gongkai.documents.models import Document, Status

    agency = Agency.objects.create(name="基准测试机构")
    Document.objects.bulk_create(Document(title=f"文件{i}", agency=agency, status=Status.PUBLISHED)
                                 for i in range(n))
    return list(Document.objects.values_list("pk", flat=True))


def per_view(counter, pks: list[int], views: int) -> list[float]:
    """Microseconds of reading + shown (what the document page calls) per view."""
    readings = {pk: counter.reading(pk, 0) for pk in pks}
    times = []
    for i in range(views):
        pk = pks[i % len(pks)]
        started = time.perf_counter()
        counter.shown(readings[pk])
        times.append((time.perf_counter() - started) * 1e6)
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/5")
    parser.add_argument("--docs", type=int, default=300)
    parser.add_argument("--views", type=int, default=20000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        setup(tmp)
        from django.test.utils import override_settings

        from gongkai.documents.views_count.memory import MemoryViewCounter
        from gongkai.documents.views_count.redis import RedisViewCounter

        pks = make_documents(args.docs)
        rows = []
        with override_settings(VIEW_COUNT_FLUSH_SECONDS=3600):  # flushes timed apart
            for name, counter in (("memory", MemoryViewCounter()),
                                  ("redis", RedisViewCounter(args.redis))):
                counter.discard()
                times = sorted(per_view(counter, pks, args.views))
                started = time.perf_counter()
                written = counter.flush()
                flush_ms = (time.perf_counter() - started) * 1e3
                assert written == args.views, (name, written)
                rows.append((name, statistics.median(times), times[int(len(times) * 0.99)],
                             flush_ms))
                counter.discard()
    print(f"\n## 浏览次数 buffers: {args.views:,} views over {args.docs} documents, SQLite\n")
    print("| buffer | per view p50 µs | per view p99 µs | one flush of them, ms |")
    print("|---|---|---|---|")
    for name, p50, p99, flush_ms in rows:
        print(f"| {name} | {p50:.0f} | {p99:.0f} | {flush_ms:.0f} |")
    print(f"{os.cpu_count()} cores, load average " + " ".join(f"{x:.1f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
