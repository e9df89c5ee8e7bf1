"""Relevance through each real search backend: STARD's citizens' questions, asked the way the
site asks them (``gongkai.search.results.search``), on FTS5, tantivy and PostgreSQL.

    nice -n 10 .venv/bin/python bench/relevance_backends.py                 # 1,000 questions, 10–15 min
    nice -n 10 .venv/bin/python bench/relevance_backends.py --sample 0      # all 1,235
    nice -n 10 .venv/bin/python bench/relevance_backends.py --backends fts5,tantivy --diagnose

bench/relevance.py measures the learned ranking over an in-memory BM25; this bench measures
what a site serves. With bench/relevance.py's corpus, questions, folds and metrics:

1. The 70,121 STARD articles are loaded as published Documents (``bulk_create``) into one
   catalogue, SQLite in a temporary directory (or --data-dir), and ``gongkai reindex --clear --backend
   ALIAS`` builds each backend's index from it: FTS5 in the same SQLite file, tantivy in a
   directory beside it, PostgreSQL's tsvector table in the database BENCH_PG_URL names
   (default postgres://postgres@127.0.0.1:5432/gongkai_bench_relevance, created if
   missing; its search tables are replaced), through the backend's DATABASE option as in
   bench/search_speed.py. One catalogue, one question store, one model per fold: the
   backends differ in nothing but themselves.
2. **Without the model**: no questions learned (``gongkai learn-questions`` never ran), every
   held-out question goes through ``results.search(q, per_page=100, alias=…)``, the search
   page's own call, with the site's RERANK and EXPAND hooks configured (they do nothing
   until a model exists).
3. **With the model**: bench/relevance.py's cross-validation by query id (5 folds, seed 0).
   For each fold the other folds' pairs are loaded with ``gongkai learn-questions`` (the
   command, which then trains and stores the model as it does for a site), and the fold's
   held-out questions go through ``results.search`` again: the backend's candidates, the
   any-word and expanded-word candidate searches of its RERANK hook, the re-ranker.
4. ``--sample N`` (default 1,000) evaluates a seeded sample of N of the 1,235 questions
   (each still answered by the model of the fold that never saw it; every model still
   learns from all the pairs of its four training folds); 0 = all of them.

``--diagnose`` adds rows that explain differences: each backend's own any-word BM25 (the
candidate search the hook runs, no model); FTS5 and PostgreSQL with the count gate lifted
(``GATE`` raised past the corpus size: a setting, not a code change); FTS5 with the two
fixes proposed in docs/benchmarks-relevance.md (bench/relevance_rarest.py, a bench-local
prototype). These aliases share the backends' indexes.

``--data-dir DIR --reuse`` keeps the catalogue and the indexes for the next run (each index
is checked with ``gongkai reindex --check`` and rebuilt when it drifted).

Recall@10, Recall@100 and MRR@10 as bench/relevance.py (the STARD authors') computes them.
"""

import argparse
import collections
import contextlib
import io
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO))

os.environ.setdefault("BENCH_PG_URL",
                      "postgres://postgres@127.0.0.1:5432/gongkai_bench_relevance")
import relevance  # noqa: E402  (corpus, questions, folds, metrics, Django set-up)

BACKENDS = {
    "fts5": "gongkai.search.backends.sqlite",
    "tantivy": "gongkai.search.backends.tantivy",
    "postgres": "gongkai.search.backends.postgres",
}
HOOKS = {"RERANK": "gongkai.questions.search.rerank", "EXPAND": "gongkai.questions.search.expand"}
UNGATED = 10**12  # GATE above any corpus: every match is ranked
DEPTH = 100  # results asked for: Recall@100


# --diagnose: more aliases over the same indexes (settings, and one bench-local prototype)
DIAGNOSTIC = {
    "fts5-ungated": ("fts5", {"GATE": UNGATED}, "fts5, GATE lifted: every match ranked"),
    "fts5-rarest": ("fts5", {"BACKEND": "relevance_rarest"},
                    "fts5, candidate searches on the rarest words (fix 1, prototype)"),
    "fts5-fix": ("fts5", {"BACKEND": "relevance_rarest", "TITLE_FIRST": False},
                 "fts5, … and ordered by bm25 alone (fixes 1 + 2, prototype)"),
    "postgres-ungated": ("postgres", {"GATE": UNGATED}, "postgres, GATE lifted"),
}


def search_settings(backends, diagnose) -> dict:
    """GONGKAI_SEARCH for the run: one alias per backend, the site's hooks on each; with
    ``diagnose`` also the DIAGNOSTIC aliases of those backends."""
    config = {}
    for name in backends:
        config[name] = {"BACKEND": BACKENDS[name], **HOOKS,
                        **({"DATABASE": "pg"} if name == "postgres" else {})}
    for alias, (name, params, _) in DIAGNOSTIC.items():
        if diagnose and name in backends:
            config[alias] = {**config[name], **params}
    config["default"] = config[backends[0]]
    return config


def ensure_pg_database():
    import search_speed  # its PG_URL is BENCH_PG_URL, defaulted above

    search_speed.ensure_pg_database()


def reindex(alias) -> float:
    from django.core.management import call_command

    started = time.time()
    call_command("reindex", backend=alias, clear=True, verbosity=0, stdout=io.StringIO())
    return time.time() - started


def in_step(alias) -> bool:
    """``gongkai reindex --check``: the index holds exactly the catalogue (--reuse)."""
    from django.core.management import CommandError, call_command

    try:
        call_command("reindex", backend=alias, check=True, stdout=io.StringIO())
    except CommandError:
        return False
    return True


def ask(alias, text) -> tuple[list[str], float]:
    """Titles of the top DEPTH results of the site's own search, and the seconds it took."""
    from gongkai.search.results import search

    started = time.perf_counter()
    results = search(text, per_page=DEPTH, facets=False, alias=alias)
    return [hit.object.title for hit in results.hits], time.perf_counter() - started


def any_word(alias, text, titles) -> list[str]:
    """The backend's own BM25 over any word of the question: the candidate search its RERANK
    hook adds when the all-words search finds fewer than RERANK_DEPTH (diagnostic)."""
    from gongkai.search.backends import get_search_backend

    backend = get_search_backend(alias)
    words = backend.segmenter.query_words(text)
    return [titles[pk] for pk, _ in backend._any_word_hits(words, {}) if pk in titles]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", default="fts5,tantivy,postgres",
                        help="comma-separated, of: " + ", ".join(BACKENDS))
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--sample", type=int, default=1000,
                        help="held-out questions evaluated (seeded sample; 0 = all)")
    parser.add_argument("--diagnose", action="store_true",
                        help="also: each backend's any-word BM25, and FTS5/PostgreSQL ungated")
    parser.add_argument("--json", metavar="FILE", help="also write the results here")
    parser.add_argument("--data-dir", metavar="DIR",
                        help="keep the catalogue and indexes here (default: a temporary "
                             "directory); with --reuse a later run skips loading and reindexing")
    parser.add_argument("--reuse", action="store_true",
                        help="keep the catalogue and indexes found in --data-dir")
    args = parser.parse_args(argv)
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    if unknown := set(backends) - set(BACKENDS):
        parser.error(f"unknown backend(s): {', '.join(sorted(unknown))}")
    started = time.time()

    def say(message):
        print(f"[{time.time() - started:6.1f}s] {message}", flush=True)

    docs = relevance.cut_corpus()
    queries = relevance.load_queries()
    splits = relevance.folds(queries, args.folds, args.seed)
    ids = sorted(q["query_id"] for q in queries)
    chosen = set(random.Random(args.seed).sample(ids, args.sample)
                 if 0 < args.sample < len(ids) else ids)
    splits = [(train, [q for q in test if q["query_id"] in chosen]) for train, test in splits]
    evaluated = [q for _, test in splits for q in test]
    say(f"corpus: {len(docs)} articles; {len(evaluated)} of {len(queries)} questions evaluated, "
        f"{args.folds}-fold cross-validation by query id (seed {args.seed})")

    config = search_settings(backends, args.diagnose)
    aliases = [a for a in config if a != "default"]  # the backends, then DIAGNOSTIC ones
    pg_url = os.environ["BENCH_PG_URL"]
    databases = {}
    if "postgres" in backends:
        from gongkai.config import envdatabase

        ensure_pg_database()
        databases["pg"] = envdatabase("BENCH_PG_URL", pg_url)

    results = collections.defaultdict(list)  # row → [(ranked titles, relevant titles)]
    seconds = collections.defaultdict(list)  # row → per-query search time
    built = {}
    if args.reuse and not args.data_dir:
        parser.error("--reuse needs --data-dir")
    with contextlib.ExitStack() as stack:
        tmp = args.data_dir or stack.enter_context(tempfile.TemporaryDirectory())
        Path(tmp).mkdir(parents=True, exist_ok=True)
        relevance.setup_django(None, tmp, databases=databases, search=config)
        from gongkai.documents.models import Document
        from gongkai.questions import store
        from gongkai.questions.models import Question, RankingModel

        reuse = args.reuse and Document.objects.count() == len(docs)
        if reuse:
            titles = dict(Document.objects.values_list("pk", "title"))
            say(f"{len(titles)} documents in the catalogue (--reuse)")
        else:
            titles = relevance.load_documents(docs)
            say(f"{len(titles)} documents in the catalogue")
        for name in backends:
            if reuse and in_step(name):
                continue
            built[name] = reindex(name)
            say(f"gongkai reindex --clear --backend {name}: {built[name]:.0f} s")

        # -- without the model: nothing learned ----------------------------------------------
        Question.objects.all().delete()
        RankingModel.objects.all().delete()
        store.reset()
        for q in evaluated:
            for alias in backends:  # (the DIAGNOSTIC aliases differ only once a model exists)
                ranked, took = ask(alias, q["问题"])
                results[(alias, "plain")].append((ranked, q["match_name"]))
                seconds[(alias, "plain")].append(took)
                if args.diagnose:
                    results[(alias, "any")].append((any_word(alias, q["问题"], titles),
                                                    q["match_name"]))
        say("without the model: done; " + "; ".join(
            f"{a} R@100 {relevance.metrics(results[(a, 'plain')])['R@100']:.3f}"
            for a in backends))

        # -- with the model, fold by fold ----------------------------------------------------
        for k, (train, test) in enumerate(splits):
            t = time.time()
            out = relevance.learn_through_command(train, Path(tmp) / f"pairs-{k}.jsonl",
                                                  refresh=True)
            learned = time.time() - t
            for q in test:
                for alias in aliases:
                    ranked, took = ask(alias, q["问题"])
                    results[(alias, "model")].append((ranked, q["match_name"]))
                    seconds[(alias, "model")].append(took)
            say(f"fold {k + 1}/{len(splits)}: learned {len(train)} pairs in {learned:.0f} s "
                f"({out.strip().splitlines()[-1][:60]}…), asked {len(test)}" + "".join(
                    f"; {a} R@100 {relevance.metrics(results[(a, 'model')][-len(test):])['R@100']:.3f}"
                    for a in aliases if test))

    # -- the table ----------------------------------------------------------------------------
    sample = (f"a seeded sample of {len(evaluated)} of the {len(queries)} questions"
              if len(evaluated) < len(queries) else f"all {len(queries)} questions")
    print(f"\nSTARD through the backends: {sample}, each answered by the model of the "
          f"{args.folds}-fold cross-validation (by query id, seed {args.seed}) that never saw "
          f"it; search = gongkai.search.results.search(q, per_page={DEPTH}, alias=…)\n")
    labels = {"any": "no: the backend's any-word BM25 alone (diagnostic)",
              "plain": "no (learn-questions not run)", "model": "**yes** (learn-questions)"}
    print("| backend | learned model | R@10 | R@100 | MRR@10 | ms/query p50 |")
    print("|---|---|---|---|---|---|")
    table = {}
    rows = [(a, "any") for a in backends] + [(a, "plain") for a in backends] + [
        (a, "model") for a in aliases]
    for alias, kind in rows:
        if not results.get((alias, kind)):
            continue
        m = relevance.metrics(results[(alias, kind)])
        table[f"{alias}/{kind}"] = m
        took = seconds.get((alias, kind))
        p50 = f"{1000 * statistics.median(took):.0f}" if took else "—"
        name = DIAGNOSTIC[alias][2] if alias in DIAGNOSTIC else f"**{alias}**"
        print(f"| {name} | {labels[kind]} | {m['R@10']:.3f} | {m['R@100']:.3f} | "
              f"{m['MRR@10']:.3f} | {p50} |")
    if built:
        print("\ngongkai reindex --clear (s): "
              + ", ".join(f"{n} {s:.0f}" for n, s in built.items()))
    print(f"total {time.time() - started:.0f} s; load average {os.getloadavg()[0]:.1f}")
    if args.json:
        Path(args.json).write_text(json.dumps(
            {"sample": len(evaluated), "folds": args.folds, "seed": args.seed, "table": table,
             "reindex_seconds": built,
             "per_query": {f"{a}/{k}": [[r[:DEPTH], rel] for r, rel in runs]
                           for (a, k), runs in results.items()}},
            ensure_ascii=False))


if __name__ == "__main__":
    main()
