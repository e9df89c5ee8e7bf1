"""Search on several application servers (issue 15): tantivy on every server, each with its own
index directory and its own cursor in the change log, measured through the product's search
API (``/api/v1/search/``) beside raw tantivy over the same index, in the same run.

    make bench-install
    .venv/bin/python bench/search_servers.py --docs 1000000

The catalogue is bench/pages.py's (PostgreSQL database gongkai_pages_N, indexed for tantivy by
``pages.py --db postgres --search tantivy --build-only``). Server A serves from that data
directory (node ``bench-a``); server B from bench/var/pages-postgres-N-b (node ``bench-b``),
whose index is a copy of A's taken under A's writer lock, with B's cursor set to A's — what a
new server gets from `gongkai reindex` (snapshot plus log), without the rebuild's time. Both
share one cache (GONGKAI_CACHE_URL, a directory here) as a multi-server site does; the API rate limit is off.

For each server, gunicorn (2 workers) is driven by wrk for --seconds with every request a
query not asked before (an ignored parameter defeats the page cache), at 2 connections (one
per worker: the request's own time) and at --connections. Facets are on, as in the API;
totals are exact (the tantivy backend counts every match; facet counts are estimated above
50,000 matches and say so, ``facets_exact``). Then, with both servers up, a document is
published through A's code (its node applies it on commit) and B's API is polled until it
finds it, and again after a withdrawal: the delay B's users see.

The references run in one process over A's index, one query at a time: ``tantivy-raw`` (the
bare engine: the query's segmented words as term queries over title and body, top 20 and the
count, no facets) and ``backend`` (Gongkai's tantivy backend: query language, facets, the
change-log overlay, no HTTP, no snippets).
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote
from urllib.request import urlopen

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(REPO))

import pages  # noqa: E402

# One cache for both servers, as a site's servers share one (Redis in production; a shared
# directory on this one machine).
CACHE = os.environ.get("BENCH_CACHE_URL", f"file://{pages.VAR / 'search-servers-cache'}")

REFERENCE = r"""
import json, statistics, sys, time
import django; django.setup()
import search_speed
from gongkai.search.backends import get_search_backend
from gongkai.search.backends.tantivy import FIELDS, Q, SHOULD, MUST, schema
from gongkai.search.query import parse

queries = json.loads(sys.argv[1])
backend = get_search_backend()
backend.engine.reload()
searcher = backend.engine.searcher()

def raw(text):
    parts = []
    for words, phrase, field in search_speed.words_of(text):
        for w in words:
            fields = [field] if field else ["title", "body"]
            parts.append((MUST, Q.boolean_query([(SHOULD, Q.term_query(schema(), f, w))
                                                  for f in fields])))
    if parts:
        searcher.search(Q.boolean_query(parts), 20, count=True).count

def ours(text):
    backend.search(parse(text), limit=20, facets=True)

out = {}
for name, run in (("tantivy-raw", raw), ("backend", ours)):
    for q in queries[:20]:
        run(q)  # warm
    times = []
    for q in queries:
        t = time.perf_counter(); run(q); times.append((time.perf_counter() - t) * 1000)
    out[name] = times
print("RESULT " + json.dumps(out))
"""

CLONE = r"""
import fcntl, shutil, sys
import django; django.setup()
from gongkai.search.backends import get_search_backend
from gongkai.search.models import Cursor
a = get_search_backend()
a.sync()  # the first node adopts the log (or is already there)
with open(a.path / ".gongkai-writer.lock", "w") as lock:
    fcntl.flock(lock, fcntl.LOCK_EX)  # nothing applied to A's index while it is copied
    applied = a.log.cursor()
    shutil.copytree(a.path, sys.argv[1])
    Cursor.objects.update_or_create(backend=a.alias, node=sys.argv[2],
                                    defaults={"applied_id": applied})
print(f"cloned at change {applied}")
"""

PUBLISH = r"""
import sys
import django; django.setup()
from django.utils import timezone
from gongkai.catalog.models import Agency
from gongkai.documents import workflow
from gongkai.documents.models import Document
title, action = sys.argv[1], sys.argv[2]
if action == "publish":
    doc = Document.objects.create(title=title, agency=Agency.objects.first(), body="<p>" + title + "</p>")
    workflow.publish(doc, at=timezone.now() - timezone.timedelta(minutes=1))
else:
    doc = Document.objects.get(title=title)
    workflow.withdraw(doc)
print(doc.pk)
"""


def environments(n: int) -> tuple[dict, dict]:
    a = pages.environment("postgres", n, "tantivy")
    common = {"GONGKAI_API_REQUESTS_PER_MINUTE": "0", "GONGKAI_CACHE_URL": CACHE}
    a.update(common, GONGKAI_SEARCH_NODE="bench-a")
    b = {**a, "GONGKAI_DATA_DIR": a["GONGKAI_DATA_DIR"] + "-b", "GONGKAI_SEARCH_NODE": "bench-b"}
    return a, b


def python(env, code, *args) -> str:
    return subprocess.run([sys.executable, "-c", code, *args], env=env, check=True, cwd=BENCH,
                          capture_output=True, text=True).stdout


def prepare(a: dict, b: dict) -> None:
    gongkai = str(pages.BIN / "gongkai")
    subprocess.run([gongkai, "migrate", "-v0"], env=a, check=True)
    index_b = Path(b["GONGKAI_DATA_DIR"]) / "search" / "default"
    if not index_b.exists():
        index_b.parent.mkdir(parents=True, exist_ok=True)
        print(python(a, CLONE, str(index_b), "bench-b").strip(), flush=True)


def query_texts(n: int, seed: int) -> list[str]:
    import search_speed

    queries = [text for kind, text, filters in search_speed.query_set(min(n, 20000), seed)
               if not filters][:150]
    return queries + [f"深罗府〔{year}〕{i}号" for year in range(2006, 2026) for i in (7, 99)]


def api_paths(queries: list[str], tag: str) -> list[str]:
    # Each URL once per run: the ignored parameter keeps the page cache out of the way.
    return [f"/api/v1/search/?q={quote(q)}&r={tag}{i}" for i, q in enumerate(queries * 30)]


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def freshness(a: dict, server_b: pages.Server) -> list[tuple[str, float]]:
    """Publish through A, poll B's API until it finds the document; withdraw, until it does not."""
    title = f"多节点检索时效测试{int(time.time())}"
    rows = []
    for action, wanted in (("publish", True), ("withdraw", False)):
        link = f"/documents/{python(a, PUBLISH, title, action).strip()}/"
        committed = time.perf_counter()
        for attempt in range(2000):
            url = server_b.url(f"/api/v1/search/?q={quote(title)}&fresh={attempt}")
            with urlopen(url, timeout=30) as response:
                found = link in response.read().decode()
            if found == wanted:
                break
            time.sleep(0.005)
        rows.append((f"{action} on A → {'found' if wanted else 'gone'} on B",
                     (time.perf_counter() - committed) * 1000))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    pages.build("postgres", args.docs, "tantivy", args.seed)
    a, b = environments(args.docs)
    prepare(a, b)
    queries = query_texts(args.docs, args.seed)
    reference = json.loads(python(a, REFERENCE, json.dumps(queries)).split("RESULT ", 1)[1])
    rows = [(name, times) for name, times in reference.items()]
    http = []
    for label, env in (("A", a), ("B", b)):
        with pages.Server(env) as server:
            # Every worker loads the dictionary and opens the index before the clock starts.
            pages.warm_up(server, api_paths(queries[:5], f"warm{label}{int(time.time())}-"))
            for connections in (2, args.connections):
                tag = f"{label}{connections}-{int(time.time())}-"
                result = pages.wrk(server, api_paths(queries, tag),
                                   args.seconds, connections)
                http.append((f"API on server {label}, {connections} connections", result))
    with pages.Server(a), pages.Server(b) as server_b:
        fresh = freshness(a, server_b)

    raw_p95 = percentile(reference["tantivy-raw"], 95)
    print(f"\n## Search on several servers: {args.docs:,} documents, PostgreSQL, tantivy per server "
          f"(gunicorn -w {pages.WORKERS} each, wrk -d{args.seconds}s)\n")
    print("| path | req/s | p50 ms | p95 ms | p99 ms | p95 ÷ raw | errors |")
    print("|---|---|---|---|---|---|---|")
    for name, times in rows:
        print(f"| {name} (in-process, 1 at a time) | {1000 * len(times) / sum(times):,.0f} | "
              f"{percentile(times, 50):.1f} | {percentile(times, 95):.1f} | "
              f"{percentile(times, 99):.1f} | {percentile(times, 95) / raw_p95:.1f}× | 0 |")
    for name, r in http:
        print(f"| {name} | {r['rps']:,.0f} | {r['p50'] / 1000:.1f} | {r['p95'] / 1000:.1f} | "
              f"{r['p99'] / 1000:.1f} | {r['p95'] / 1000 / raw_p95:.1f}× | "
              f"{r['status_errors'] + r['other_errors']} |")
    print(f"\n{len(queries)} distinct queries (common words, rare words, phrases, 文号); API answers "
          "carry facets and exact totals.")
    for name, ms in fresh:
        print(f"- {name}: {ms:,.0f} ms")
    print(f"{os.cpu_count()} cores, load average "
          + " ".join(f"{x:.1f}" for x in os.getloadavg()) + ".")


if __name__ == "__main__":
    main()
