"""Search speed: build rate, index size and query latency of each engine, side by side.

    .venv/bin/python bench/search_speed.py --docs 100000
    .venv/bin/python bench/search_speed.py --docs 10000 --engines fts5,postgres,tantivy,whoosh,like

Engines: ``fts5``, ``tantivy`` and ``postgres`` are Gongkai's own backends
(gongkai.search.backends), driven through their public methods, segmentation included;
``tantivy-raw`` (the bare engine over the same segmented words, queried without Gongkai's
query language, facets or Python around it: the reference for what the hardware allows), ``whoosh`` (with
jieba's ChineseAnalyzer) and ``like`` (a plain ``LIKE '%…%'`` scan over SQLite) are
baselines. Queries run one at a time in a fresh process per engine (warm page cache), so
the reported memory is that of a search worker. Top 20 + total count per query; our
backends also count the five facets.

The corpus is synthetic and fixed by --seed: words drawn from jieba's dict.txt by frequency
plus two sentences of the seed page per document; titles, agencies, dates and 文号.
PostgreSQL: set BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/gongkai_bench;
the database is created if missing).
"""

import argparse
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
VAR = REPO / "bench" / "var"
SEED_PAGE = REPO.parent / "shared" / "seed" / "seed-page.txt"
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/gongkai_bench")
ENGINES = ("fts5", "tantivy", "postgres", "tantivy-pg", "tantivy-raw", "whoosh", "like")
BATCH = 5000
BODY_WORDS = 230

DISTRICTS = ["罗湖区", "福田区", "南山区", "宝安区", "龙岗区", "盐田区", "龙华区", "坪山区", "光明区", "大鹏新区"]
STREETS = ["翠竹街道", "东门街道", "桂园街道", "黄贝街道", "南湖街道", "笋岗街道", "莲塘街道", "清水河街道"]
DEPARTMENTS = ["人民政府", "发展和改革局", "教育局", "财政局", "民政局", "司法局", "卫生健康局",
               "住房和建设局", "交通运输局", "水务局", "市场监督管理局", "应急管理局", "城市管理和综合执法局"]
GENRES = ["通知", "公告", "工作总结", "工作计划", "规章", "行政规范性文件", "年度报告", "政策解读", "意见", "办法"]
TOPICS = ["综合政务", "国民经济管理", "财政金融", "城乡建设", "农业农村", "科技教育", "卫生健康",
          "劳动就业", "民政社区", "公安安全", "交通运输", "文化旅游", "生态环境", "市场监管"]
VALIDITY = ["in_force", "in_force", "in_force", "amended", "repealed", None, None, None]
TITLE_PATTERNS = ["{agency}关于{a}{b}的通知", "{agency}{year}年{a}{b}工作总结", "关于印发《{a}{b}{c}办法》的通知",
                  "{agency}关于{a}{b}{c}的公告", "{a}{b}{c}实施方案", "{agency}{year}年{a}工作计划"]


# -- corpus -----------------------------------------------------------------------------------

def load_vocabulary():
    import jieba

    words, weights = [], []
    with open(Path(jieba.__file__).parent / "dict.txt", encoding="utf-8") as f:
        for line in f:
            word, freq, *_ = line.split()
            if re.fullmatch(r"[\u4e00-\u9fff]+", word):
                words.append(word)
                weights.append(int(freq))
    order = sorted(range(len(words)), key=lambda i: -weights[i])
    words = [words[i] for i in order]
    weights = [weights[i] for i in order]
    cumulative, total = [], 0
    for w in weights:
        total += w
        cumulative.append(total)
    return words, cumulative


def seed_sentences():
    text = SEED_PAGE.read_text(encoding="utf-8") if SEED_PAGE.exists() else "翠竹街道坚持以人民为中心。"
    return [s.strip() + "。" for s in re.split(r"[。\n]", text) if len(s.strip()) > 12]


def agencies():
    names = [f"深圳市{d}{s}办事处" for d in DISTRICTS[:2] for s in STREETS]
    names += [f"深圳市{d}{dep}" for d in DISTRICTS for dep in DEPARTMENTS]
    return names


def corpus(n, seed):
    """Yield (id, record fields) for n documents, oldest first."""
    import datetime as dt

    import numpy as np

    from gongkai.search.index import Record

    rng = random.Random(seed)
    # Body words by frequency, drawn for a block of documents at once: drawing them one by
    # one costs ~1 ms a document, which would make the benchmark measure itself.
    draw = np.random.default_rng(seed)
    words, cumulative = load_vocabulary()
    cumulative = np.array(cumulative, dtype=np.float64)
    title_words = words[200:20000]
    sentences = seed_sentences()
    names = agencies()

    start = dt.datetime(2005, 1, 1, tzinfo=dt.UTC)
    span = (dt.datetime(2026, 6, 1, tzinfo=dt.UTC) - start).total_seconds()
    block = []
    for i in range(1, n + 1):
        if not block:
            size = min(1000, n - i + 1)
            picks = np.searchsorted(cumulative, draw.random(size * BODY_WORDS) * cumulative[-1],
                                    side="right").reshape(size, BODY_WORDS).tolist()
            block = picks[::-1]
        published = start + dt.timedelta(seconds=span * i / n)
        agency = rng.randrange(len(names))
        a, b, c = rng.choices(title_words, k=3)
        title = rng.choice(TITLE_PATTERNS).format(
            agency=names[agency][3:], year=published.year, a=a, b=b, c=c)
        body = "".join(map(words.__getitem__, block.pop()))
        body = rng.choice(sentences) + body[:260] + rng.choice(sentences) + body[260:]
        prefix = ["深罗府", "深福府办", "深南发", "深宝规", "深龙函"][agency % 5]
        yield Record(
            id=i, published_at=published, title=title, body=body,
            doc_no=f"{prefix}〔{published.year}〕{rng.randint(1, 300)}号" if rng.random() < 0.4 else "",
            index_no=f"11440303{agency:010d}/{published.year}-{i % 100000:05d}",
            facets={"agency": agency + 1, "topic": rng.randrange(len(TOPICS)) + 1,
                    "genre": rng.randrange(len(GENRES)) + 1, "year": published.year,
                    "validity": rng.choice(VALIDITY)},
        )


def query_set(n, seed):
    """A fixed mixed set: (kind, text, filters). Typical queries and phrases are cut from
    documents of the corpus, so they find something, as real queries mostly do."""
    from gongkai.search.segment import base_words

    rng = random.Random(seed + 1)
    words, _ = load_vocabulary()
    sample = [r for r in corpus(min(n, 3000), seed)]
    queries = []
    for _ in range(120):  # Q: typical 1–3 words from one document
        doc_words = [w for w in base_words(rng.choice(sample).body) if len(w) > 1]
        queries.append(("typical", " ".join(rng.sample(doc_words, rng.choice([1, 1, 2, 2, 3]))), {}))
    common = ["街道", "工作", "管理", "发展", "社会", "政府", "建设", "服务", "中国", "我们"]
    for word in common:  # Qc: common words, alone and in pairs
        queries.append(("common", word, {}))
    for _ in range(30):
        queries.append(("common", " ".join(rng.sample(words[:300], 2)), {}))
    for _ in range(40):  # Qp: two adjacent words of a document, quoted
        doc_words = [w for w in base_words(rng.choice(sample).body) if len(w) > 1]
        i = rng.randrange(len(doc_words) - 1)
        queries.append(("phrase", f'"{doc_words[i]}{doc_words[i + 1]}"', {}))
    names = agencies()
    for _ in range(30):  # Qf: a word with a facet filter
        word = rng.choice(words[50:3000])
        filters = rng.choice([{"year": rng.randint(2006, 2025)}, {"agency": rng.randrange(len(names)) + 1},
                              {"genre": rng.randrange(len(GENRES)) + 1}])
        queries.append(("filter", word, filters))
    queries.append(("common", "街道 工作 管理", {}))
    queries.append(("title", "标题:通知", {}))
    return queries


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM; ru_maxrss survives exec on Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- Django -----------------------------------------------------------------------------------

def setup_django(n, with_pg):
    db = VAR / f"search-{n}.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("GONGKAI_SECRET_KEY", "bench")
    os.environ["DJANGO_SETTINGS_MODULE"] = "gongkai.settings"
    from django.conf import settings

    from gongkai.config import envdatabase

    if with_pg:
        settings.DATABASES["pg"] = envdatabase("BENCH_PG_URL", PG_URL)
    settings.GONGKAI_SEARCH = {
        "fts5": {"BACKEND": "gongkai.search.backends.sqlite", "DATABASE": "default"},
        "tantivy": {"BACKEND": "gongkai.search.backends.tantivy", "DATABASE": "default",
                    "PATH": VAR / f"gk-tantivy-{n}"},
        **({"postgres": {"BACKEND": "gongkai.search.backends.postgres", "DATABASE": "pg"},
            # The tantivy index built above, its change log in PostgreSQL: a PostgreSQL site
            # that searches with tantivy.
            "tantivy-pg": {"BACKEND": "gongkai.search.backends.tantivy", "DATABASE": "pg",
                           "PATH": VAR / f"gk-tantivy-{n}"}}
           if with_pg else {}),
    }
    import django

    django.setup()
    return db


def ensure_pg_database():
    name = PG_URL.rsplit("/", 1)[1]
    base = PG_URL.rsplit("/", 1)[0] + "/postgres"
    import psycopg

    with psycopg.connect(base, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


# -- building ---------------------------------------------------------------------------------

def build_ours(engine, n, seed):
    """Through ``rebuild()``, as ``gongkai reindex --clear`` runs it (segmentation on every
    core; PostgreSQL builds its GIN indexes after loading)."""
    from django.core.management import call_command

    from gongkai.search.backends import get_search_backend
    from gongkai.search.dictionary import learn
    from gongkai.search.segment import agency_name_words

    database = "pg" if engine == "postgres" else "default"
    backend = get_search_backend(engine)
    if not backend.rebuilds_online:
        # Fresh tables, whatever an earlier run (or an earlier schema) left.
        call_command("migrate", "search", "zero", database=database, verbosity=0)
    call_command("migrate", "search", database=database, verbosity=0)
    learn(w for name in agencies() for w in agency_name_words(name))
    build = build_online(backend, n, seed)
    if engine == "postgres":  # part of the build: the planner needs the statistics
        from django.db import connections

        started = time.perf_counter()
        with connections["pg"].cursor() as cursor:
            cursor.execute("VACUUM ANALYZE search_entry")
        build["build_s"] += time.perf_counter() - started
        build["docs_per_s"] = n / build["build_s"]
    return build


def build_online(backend, n, seed):
    """rebuild() pulls the batches itself, so they are generated first, untimed (~2 GB of
    records at 1M documents), and the clock runs over the rebuild alone."""
    records = list(batches(corpus(n, seed), BATCH))
    started = time.perf_counter()
    count = backend.rebuild(records)
    seconds = time.perf_counter() - started
    return {"build_s": seconds, "docs_per_s": count / seconds, "size_mb": backend.size() / 1e6}


class Stopwatch:
    """Adds up the time spent inside ``with clock:`` (not generating the corpus)."""

    seconds = 0.0

    def __enter__(self):
        self.started = time.perf_counter()

    def __exit__(self, *exc):
        self.seconds += time.perf_counter() - self.started


def batches(records, size):
    batch = []
    for record in records:
        batch.append(record)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def build_tantivy(n, seed):
    import tantivy

    from gongkai.search.dictionary import get_segmenter

    path = VAR / f"tantivy-{n}"
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    index = tantivy_index(path, tantivy)
    segmenter = get_segmenter()
    clock = Stopwatch()
    writer = index.writer(heap_size=512_000_000)
    for r in corpus(n, seed):
        with clock:
            writer.add_document(tantivy.Document(
                id=r.id, agency=r.facets["agency"], year=r.facets["year"], genre=r.facets["genre"],
                title=" ".join(segmenter.index_words(r.title)),
                body=" ".join(segmenter.index_words(r.body))))
    with clock:
        writer.commit()
        writer.wait_merging_threads()
    size = sum(f.stat().st_size for f in path.iterdir())
    return {"build_s": clock.seconds, "docs_per_s": n / clock.seconds, "size_mb": size / 1e6}


def tantivy_index(path, tantivy):
    schema = tantivy_schema(tantivy)
    index = tantivy.Index(schema, path=str(path))
    analyzer = (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace())
                .filter(tantivy.Filter.lowercase()).filter(tantivy.Filter.remove_long(40)).build())
    index.register_tokenizer("ws", analyzer)
    return index


def tantivy_schema(tantivy):
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("title", tokenizer_name="ws")
    sb.add_text_field("body", tokenizer_name="ws")
    sb.add_integer_field("id", stored=True, fast=True, indexed=True)
    for name in ("agency", "year", "genre"):
        sb.add_integer_field(name, fast=True, indexed=True)
    return sb.build()


def build_whoosh(n, seed):
    from jieba.analyse import ChineseAnalyzer
    from whoosh import fields, index

    path = VAR / f"whoosh-{n}"
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    analyzer = ChineseAnalyzer()
    schema = fields.Schema(id=fields.NUMERIC(stored=True, unique=True),
                           title=fields.TEXT(analyzer=analyzer, field_boost=10.0),
                           body=fields.TEXT(analyzer=analyzer),
                           agency=fields.NUMERIC, year=fields.NUMERIC, genre=fields.NUMERIC)
    ix = index.create_in(str(path), schema)
    clock = Stopwatch()
    writer = ix.writer(limitmb=512)
    for r in corpus(n, seed):
        with clock:
            writer.add_document(id=r.id, title=r.title, body=r.body, agency=r.facets["agency"],
                                year=r.facets["year"], genre=r.facets["genre"])
    with clock:
        writer.commit()
    size = sum(f.stat().st_size for f in path.iterdir())
    return {"build_s": clock.seconds, "docs_per_s": n / clock.seconds, "size_mb": size / 1e6}


def build_like(n, seed):
    import sqlite3

    path = VAR / f"like-{n}.sqlite3"
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE docs (id INTEGER PRIMARY KEY, title TEXT, body TEXT, agency INT, year INT, genre INT)")
    clock = Stopwatch()
    for batch in batches(corpus(n, seed), BATCH):
        with clock:
            db.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?)",
                           [(r.id, r.title, r.body, r.facets["agency"], r.facets["year"],
                             r.facets["genre"]) for r in batch])
            db.commit()
    db.close()
    return {"build_s": clock.seconds, "docs_per_s": n / clock.seconds,
            "size_mb": path.stat().st_size / 1e6}


# -- querying (in a child process per engine) ----------------------------------------------------

def run_queries(engine, n, queries):
    """Run each query once to warm up, then time each; returns latencies in ms by kind.
    The LIKE scan reads every document per query: it runs every 4th query only."""
    if engine == "like":
        queries = queries[::4]
    run = QUERY_RUNNERS[engine](n)
    for _, text, filters in queries:
        run(text, filters)
    timings, totals = {}, []
    for kind, text, filters in queries:
        started = time.perf_counter()
        total = run(text, filters)
        timings.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
        totals.append(total)
    return {"timings": timings, "totals": totals, "rss_mb": peak_rss_mb()}


def ours(engine):
    def factory(n):
        from gongkai.search.backends import get_search_backend
        from gongkai.search.query import parse

        backend = get_search_backend(engine)

        def run(text, filters):
            return backend.search(parse(text), filters=filters, limit=20, facets=True).total
        return run
    return factory


def words_of(text):
    from gongkai.search.dictionary import get_segmenter
    from gongkai.search.query import parse

    segmenter = get_segmenter()
    clauses = parse(text).positive
    return [(segmenter.query_words(c.text), c.phrase, c.field) for c in clauses]


def tantivy_runner(n):
    import tantivy

    index = tantivy_index(VAR / f"tantivy-{n}", tantivy)
    index.reload()
    searcher = index.searcher()
    schema = tantivy_schema(tantivy)
    must, should = tantivy.Occur.Must, tantivy.Occur.Should

    def word_query(word, field):
        title = tantivy.Query.boost_query(tantivy.Query.term_query(schema, "title", word), 10.0)
        if field == "title":
            return title
        return tantivy.Query.boolean_query([(should, title),
                                            (should, tantivy.Query.term_query(schema, "body", word))])

    def run(text, filters):
        parts = []
        for words, phrase, field in words_of(text):
            if phrase and len(words) > 1:
                parts.append((must, tantivy.Query.phrase_query(schema, "body", words)))
            else:
                parts += [(must, word_query(w, field)) for w in words]
        parts += [(must, tantivy.Query.term_query(schema, k, v)) for k, v in filters.items()]
        if not parts:
            return 0
        return searcher.search(tantivy.Query.boolean_query(parts), 20, count=True).count
    return run


def whoosh_runner(n):
    from whoosh import index, query

    ix = index.open_dir(str(VAR / f"whoosh-{n}"))
    searcher = ix.searcher()

    def run(text, filters):
        parts = []
        for words, phrase, field in words_of(text):
            if phrase and len(words) > 1:
                parts.append(query.Phrase("body", words))
            elif field == "title":
                parts += [query.Term("title", w) for w in words]
            else:
                parts += [query.Or([query.Term("title", w), query.Term("body", w)]) for w in words]
        parts += [query.Term(k, v) for k, v in filters.items()]
        if not parts:
            return 0
        return len(searcher.search(query.And(parts), limit=20))
    return run


def like_runner(n):
    import sqlite3

    db = sqlite3.connect(VAR / f"like-{n}.sqlite3")

    def run(text, filters):
        where, params = [], []
        for words, phrase, field in words_of(text):
            terms = ["".join(words)] if phrase else words
            for w in terms:
                if field == "title":
                    where.append("title LIKE ?")
                    params.append(f"%{w}%")
                else:
                    where.append("(title LIKE ? OR body LIKE ?)")
                    params += [f"%{w}%", f"%{w}%"]
        for k, v in filters.items():
            where.append(f"{k} = ?")
            params.append(v)
        if not where:
            return 0
        sql = " AND ".join(where)
        db.execute(f"SELECT id FROM docs WHERE {sql} ORDER BY id DESC LIMIT 20", params).fetchall()
        return db.execute(f"SELECT count(*) FROM docs WHERE {sql}", params).fetchone()[0]
    return run


QUERY_RUNNERS = {"fts5": ours("fts5"), "tantivy": ours("tantivy"), "postgres": ours("postgres"),
                 "tantivy-pg": ours("tantivy-pg"),
                 "tantivy-raw": tantivy_runner,
                 "whoosh": whoosh_runner, "like": like_runner}


# -- report -----------------------------------------------------------------------------------

def percentile(values, p):
    values = sorted(values)
    if not values:
        return 0.0
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def report(n, builds, measured, queries):
    kinds = list(dict.fromkeys(kind for kind, _, _ in queries))
    lines = [f"## {n:,} documents, {len(queries)} queries "
             f"({', '.join(f'{k} {sum(q[0] == k for q in queries)}' for k in kinds)})", "",
             "| engine | build s | docs/s | size MB | worker RSS MB | "
             + " | ".join(f"{k} p50/p95" for k in kinds) + " | **all p50 / p95 / p99 / max** |",
             "|---" * (6 + len(kinds)) + "|"]
    if "like" in measured:
        lines.insert(1, "(like: every 4th query only; it reads every document each time)")
    for engine, build in builds.items():
        m = measured.get(engine)
        if not m:
            continue
        every = [t for ts in m["timings"].values() for t in ts]
        cells = [f"{percentile(m['timings'][k], 50):.2f} / {percentile(m['timings'][k], 95):.2f}"
                 if k in m["timings"] else "–" for k in kinds]
        lines.append(
            f"| {engine} | {build['build_s']:.1f} | {build['docs_per_s']:,.0f} | {build['size_mb']:.1f} | "
            f"{m['rss_mb']:.0f} | " + " | ".join(cells) + f" | {percentile(every, 50):.2f} / "
            f"{percentile(every, 95):.2f} / {percentile(every, 99):.2f} / {max(every):.1f} |")
    reference = measured.get("tantivy-raw")
    if reference:
        ref95 = percentile([t for ts in reference["timings"].values() for t in ts], 95)
        ratios = []
        for engine, m in measured.items():
            p95 = percentile([t for ts in m["timings"].values() for t in ts], 95)
            ratios.append(f"{engine} {p95 / ref95:.1f}×")
        lines += ["", "p95 relative to tantivy-raw: " + ", ".join(ratios)]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--engines", default="fts5,tantivy,postgres,tantivy-raw,like",
                        help=f"comma-separated, of {', '.join(ENGINES)}")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # child: query one engine
    parser.add_argument("--skip-build", action="store_true", help="reuse indexes in bench/var/")
    args = parser.parse_args()
    engines = [e for e in args.engines.split(",") if e]
    VAR.mkdir(parents=True, exist_ok=True)
    with_pg = any(e in ("postgres", "tantivy-pg") for e in [*engines, args.measure])
    setup_django(args.docs, with_pg=with_pg)
    queries_path = VAR / f"queries-{args.docs}-{args.seed}.json"

    if args.measure:
        queries = [tuple(q) for q in json.loads(queries_path.read_text())]
        print(json.dumps(run_queries(args.measure, args.docs, queries)))
        return
    queries = query_set(args.docs, args.seed)
    queries_path.write_text(json.dumps(queries, ensure_ascii=False))

    builds_path = VAR / f"builds-{args.docs}.json"
    builds = json.loads(builds_path.read_text()) if args.skip_build and builds_path.exists() else {}
    for engine in engines:
        if engine in builds:
            continue
        if engine == "tantivy-pg":  # the same index as tantivy (build that first)
            builds[engine] = builds["tantivy"]
            continue
        print(f"building {engine} …", file=sys.stderr, flush=True)
        if engine in ("fts5", "tantivy", "postgres"):
            if engine == "postgres":
                ensure_pg_database()
            builds[engine] = build_ours(engine, args.docs, args.seed)
        else:
            builds[engine] = {"tantivy-raw": build_tantivy, "whoosh": build_whoosh,
                              "like": build_like}[engine](args.docs, args.seed)
        print(f"  {builds[engine]}", file=sys.stderr, flush=True)
        builds_path.write_text(json.dumps(builds))
    measured = {}
    for engine in engines:
        print(f"querying {engine} …", file=sys.stderr, flush=True)
        child = subprocess.run(
            [sys.executable, __file__, "--docs", str(args.docs), "--seed", str(args.seed),
             "--engines", args.engines, "--measure", engine],
            capture_output=True, text=True, check=True)
        measured[engine] = json.loads(child.stdout.strip().splitlines()[-1])
    (VAR / f"measured-{args.docs}.json").write_text(json.dumps(measured))
    print(report(args.docs, builds, measured, queries))
    totals = measured[engines[0]]["totals"]
    medians = {kind: statistics.median(t for (k, _, _), t in zip(queries, totals, strict=True)
                                       if k == kind) for kind in dict.fromkeys(q[0] for q in queries)}
    print(f"\nMedian hits per query ({engines[0]}): "
          + ", ".join(f"{k} {v:,.0f}" for k, v in medians.items())
          + f". {os.cpu_count()} cores, Python {sys.version.split()[0]}, load average "
          + " ".join(f"{x:.1f}" for x in os.getloadavg()) + ".")


if __name__ == "__main__":
    main()
