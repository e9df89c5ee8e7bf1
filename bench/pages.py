"""Public pages over HTTP: gunicorn (2 workers) driven by wrk (16 connections), every page
beside a trivial view (``HttpResponse("ok")`` behind the same middleware) in the same run.

    make bench-install
    .venv/bin/python bench/pages.py --docs 100000 --db sqlite
    .venv/bin/python bench/pages.py --docs 1000000 --db postgres --search tantivy

The catalogue is bench/search_speed.py's synthetic corpus (agencies, topics, genres, dates,
文号, bodies of ~1,500 characters), loaded once into bench/var/pages-DB-N/ (SQLite) or the
PostgreSQL database gongkai_pages_N (BENCH_PG_BASE, default postgres://postgres@127.0.0.1:5432),
then indexed with `gongkai reindex` for the chosen search backend. A later run with the same
--docs reuses it.

Each page is driven for --seconds by wrk with a Lua script that cycles through many URLs
(documents drawn from the whole catalogue, agencies, listing pages, a mixed query set of common
words, rare words, phrases and 文号), and reports req/s, p50/p95/p99 and the ratio of req/s to
the trivial view's. 浏览次数 is checked after the document run: gunicorn is stopped gracefully
and the sum of view counts must have grown by exactly the number of document pages served.
"""

import argparse
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(REPO))
VAR = BENCH / "var"
BIN = Path(sys.executable).parent  # the venv's scripts (gongkai, gunicorn), wherever it is
PG_BASE = os.environ.get("BENCH_PG_BASE", "postgres://postgres@127.0.0.1:5432")
WORKERS, CONNECTIONS, THREADS = 2, 16, 2

LUA = """
local paths = {%(paths)s}
local counter = 0
function setup(thread)
  thread:set("offset", %(spread)d * math.floor(#paths / 2))
end
function request()
  counter = counter + 1
  local i = (counter + (offset or 0)) %% #paths + 1
  return wrk.format("GET", paths[i])
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %%d, "duration_us": %%d, "status_errors": %%d, "other_errors": %%d, ' ..
    '"p50": %%d, "p95": %%d, "p99": %%d}\\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def environment(db: str, n: int, search: str | None) -> dict:
    data = VAR / f"pages-{db}-{n}"
    env = {
        **os.environ,
        "GONGKAI_DATA_DIR": str(data),
        "GONGKAI_SECRET_KEY": "bench-pages",
        "GONGKAI_DEBUG": "False",
        "GONGKAI_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SETTINGS_MODULE": "gongkai.settings",
    }
    env["DATABASE_URL"] = (f"{PG_BASE}/gongkai_pages_{n}" if db == "postgres"
                           else f"sqlite:///{data / 'gongkai.sqlite3'}")
    if search:
        env["GONGKAI_SEARCH_BACKEND"] = search
    return env


def build(db: str, n: int, search: str | None, seed: int) -> None:
    """Load the catalogue and index it, unless a previous run did (bench/var/…/built)."""
    env = environment(db, n, search)
    stamp = Path(env["GONGKAI_DATA_DIR"]) / f"built-{search or 'default'}"
    if stamp.exists():
        # A catalogue built by an earlier version of the code: brought up to its schema.
        subprocess.run([str(REPO / ".venv/bin/gongkai"), "migrate", "-v0"], env=env, check=True)
        return
    Path(env["GONGKAI_DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    if db == "postgres":
        create_pg_database(f"gongkai_pages_{n}")
    script = (
        "import django, sys; django.setup();"
        "import reindex_speed;"
        f"reindex_speed.load_catalogue({n}, {seed}, 'default')"
    )
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", script], env=env, check=True, cwd=BENCH)
    loaded = time.perf_counter()
    gongkai = str(BIN / "gongkai")
    subprocess.run([gongkai, "migrate", "-v0"], env=env, check=True)
    subprocess.run([gongkai, "reindex", "--clear"], env=env, check=True)
    # After a bulk load, as the operator would: statistics and per-agency counts.
    subprocess.run([gongkai, "optimize-db"], env=env, check=True)
    print(f"built {n:,} documents on {db} in {loaded - started:.0f} s, "
          f"indexed ({search or 'default'}) in {time.perf_counter() - loaded:.0f} s", flush=True)
    stamp.write_text(str(n))


def create_pg_database(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_BASE}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn serving the site plus /__trivial__ (bench/pages_site.py)."""

    def __init__(self, env: dict):
        self.port = free_port()
        # What the server answered, line by line: the views a reader got (wrk's own count
        # leaves out the requests still in flight when it stops).
        self.access_log = Path(tempfile.mkstemp(suffix=".log")[1])
        self.env = {**env, "DJANGO_SETTINGS_MODULE": "pages_settings"}
        self.process = None

    def __enter__(self):
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "pages_site:application", "--pythonpath", str(BENCH),
             "-w", str(WORKERS), "-b", f"127.0.0.1:{self.port}", "--log-level", "warning",
             "--graceful-timeout", "20", "--access-logfile", str(self.access_log)],
            env=self.env)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                time.sleep(0.2)
        raise SystemExit("gunicorn did not start")

    def __exit__(self, *exc):
        # SIGTERM: a graceful stop, workers finish their requests and flush what they buffer.
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)

    def served(self, prefix: str) -> int:
        """GET responses with 200 or 304 whose path starts with ``prefix``."""
        count = 0
        for line in self.access_log.read_text(errors="replace").splitlines():
            request, _, rest = line.partition('"GET ')[2].partition('"')
            if request.startswith(prefix) and rest.split()[:1] in (["200"], ["304"]):
                count += 1
        return count

    def url(self, path="") -> str:
        return f"http://127.0.0.1:{self.port}{path}"


def wrk(server: Server, paths: list[str], seconds: int, connections: int = CONNECTIONS) -> dict:
    quoted = ", ".join(json.dumps(p, ensure_ascii=False) for p in paths)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % {"paths": quoted, "spread": 1})
    out = subprocess.run(
        ["wrk", f"-t{min(THREADS, connections)}", f"-c{connections}", f"-d{seconds}s",
         "--timeout", "10s",
         "-s", script.name, server.url()],
        capture_output=True, text=True)
    os.unlink(script.name)
    if "RESULT " not in out.stdout:
        raise SystemExit(f"wrk failed: {out.stdout}{out.stderr}")
    result = json.loads(out.stdout.split("RESULT ", 1)[1].splitlines()[0])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def warm_up(server: Server, paths: list[str]) -> None:
    """Each URL of a set fetched by every worker (twice per worker count, round robin), as a
    site's popular pages are by the time a crowd arrives; then wrk warms the connections."""
    from urllib.request import urlopen

    for path in paths * (2 * WORKERS):
        with urlopen(server.url(path), timeout=30) as response:
            response.read()
    wrk(server, paths[:20], 1)


def page_sets(env: dict, n: int, seed: int) -> dict[str, list[str]]:
    """URLs per page type, drawn from the catalogue being served."""
    from urllib.parse import quote

    import search_speed

    step = max(1, n // 20000)
    code = (
        "import django, json; django.setup();"
        "from gongkai.documents.models import Document; from gongkai.catalog.models import Agency;"
        f"ids = list(Document.objects.published().order_by('pk').values_list('pk', flat=True)[::{step}]);"
        "agencies = list(Agency.objects.values_list('pk', flat=True));"
        "print(json.dumps({'ids': ids, 'agencies': agencies}))"
    )
    found = json.loads(subprocess.run([sys.executable, "-c", code], env=env, check=True,
                                      capture_output=True, text=True, cwd=BENCH).stdout)
    rng = random.Random(seed)
    queries = [text for kind, text, filters in search_speed.query_set(min(n, 20000), seed)
               if not filters][:150]
    queries += [f"深罗府〔{year}〕{rng.randint(1, 300)}号" for year in range(2006, 2026)]
    rng.shuffle(queries)
    search = [f"/search/?q={quote(q)}" for q in queries]
    agencies = found["agencies"]
    return {
        "trivial view": ["/__trivial__"],
        # Readers crowd onto a few hundred documents (the day's notices, a policy in the
        # news): those pages are served from the page cache after their first view.
        "document page": [f"/documents/{pk}/" for pk in found["ids"][:300]],
        # The long tail: every request a document not seen before, rendered from the database.
        "document page, cold": [f"/documents/{pk}/" for pk in found["ids"][300:]],
        "home": ["/"],
        "agency catalogue": [f"/agencies/{pk}/" for pk in agencies],
        "listing, page 1": [f"/agencies/{pk}/documents/" for pk in agencies],
        "listing, page 500": [f"/agencies/{pk}/documents/?page=500" for pk in agencies],
        # A query asked again is answered from the page cache; "uncached" adds a parameter
        # the site ignores, so every request searches, cuts snippets and renders.
        "search (HTML)": search,
        "search (JSON)": [f"{url}&format=json" for url in search],
        "search (HTML), uncached": [f"{url}&r={i}" for i, url in enumerate(search * 20)],
        "search (JSON), uncached": [f"{url}&format=json&r={i}" for i, url in enumerate(search * 20)],
    }


def view_total(env: dict) -> int:
    # A flush first: with the Redis buffer, views a stopped server left in Redis are written
    # by the next flush from any process (docs/deployment.md).
    code = ("import django; django.setup(); from django.db.models import Sum;"
            "from gongkai.documents.models import Document;"
            "from gongkai.documents.views_count import view_counter; view_counter.flush();"
            "print(Document.objects.aggregate(s=Sum('view_count'))['s'] or 0)")
    return int(subprocess.run([sys.executable, "-c", code], env=env, check=True,
                              capture_output=True, text=True, cwd=BENCH).stdout)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--search", choices=("sqlite", "postgres", "tantivy"), default=None,
                        help="search backend (default: the database's own)")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--pages", default="", help="subset of page names, separated by ;")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--build-only", action="store_true", help="load and index, measure nothing")
    parser.add_argument("--connections", type=int, default=CONNECTIONS,
                        help="wrk connections (the goals are at 16; 2 = one per worker shows a "
                             "page's own time, without queueing)")
    args = parser.parse_args()

    build(args.db, args.docs, args.search, args.seed)
    if args.build_only:
        return
    env = environment(args.db, args.docs, args.search)
    sets = page_sets(env, args.docs, args.seed)
    wanted = [p.strip() for p in args.pages.split(";") if p.strip()]
    rows, trivial, before = [], None, None
    with Server(env) as server:
        for name, paths in sets.items():
            if wanted and name not in wanted and name != "trivial view":
                continue
            if name.startswith("document page") and before is None:
                before = view_total(env)
            if "cold" not in name and "uncached" not in name:
                warm_up(server, paths)
            result = wrk(server, paths, args.seconds, args.connections)
            trivial = trivial or result["rps"]
            rows.append((name, result))
    counted = None
    if before is not None:
        counted = (view_total(env) - before, server.served("/documents/"))
    buffer = env.get("GONGKAI_VIEW_COUNT_BUFFER") or (
        "redis" if env.get("GONGKAI_CACHE_URL", "").startswith("redis") else "memory")
    print(f"\n## Pages over HTTP: {args.docs:,} documents, {args.db}, search "
          f"{args.search or 'default'}, cache {env.get('GONGKAI_CACHE_URL') or 'file'}, "
          f"浏览次数 buffer {buffer} (gunicorn -w {WORKERS}, wrk -t{min(THREADS, args.connections)} -c{args.connections} "
          f"-d{args.seconds}s)\n")
    print("| page | req/s | × trivial | p50 ms | p95 ms | p99 ms | errors |")
    print("|---|---|---|---|---|---|---|")
    for name, r in rows:
        print(f"| {name} | {r['rps']:,.0f} | {r['rps'] / trivial:.2f} | {r['p50'] / 1000:.1f} | "
              f"{r['p95'] / 1000:.1f} | {r['p99'] / 1000:.1f} | "
              f"{r['status_errors'] + r['other_errors']} |")
    if counted:
        grown, served = counted
        print(f"\n浏览次数: grew by {grown:,} for {served:,} document pages served "
              f"({'exact' if grown == served else 'NOT exact'}).")
    print(f"{os.cpu_count()} cores, load average "
          + " ".join(f"{x:.1f}" for x in os.getloadavg()) + ".")


if __name__ == "__main__":
    main()
