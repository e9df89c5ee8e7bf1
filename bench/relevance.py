"""Relevance on STARD: real citizens' legal questions against statute articles.

    .venv/bin/python bench/relevance.py                  # 5-fold cross-validation, ~6 min
    .venv/bin/python bench/relevance.py --folds 2        # quicker
    .venv/bin/python bench/relevance.py --eval OTHER.json   # train on all train pairs, test there

1. Cut ../shared/corpus/laws_lawrefbook/ into one document per article, titled like STARD's
   ``match_name`` (``名称第X条``), and load them as published Documents into a throw-away
   database (SQLite in a temporary directory, or --database-url).
2. Plain BM25 baseline: rank-bm25's BM25Okapi over jieba tokens, as the STARD authors ran it
   (their k1/b differ slightly; we keep rank-bm25's defaults). Scored with numpy postings
   (``learning.BM25Index``); the first queries are checked against rank_bm25 itself.
3. Our system: candidates from an in-memory BM25 over the product's analyzer (the stand-in
   for the search backend), re-ranked by ``gongkai.questions.learning.Model.rerank`` — the
   code the search hook runs. Pairs are loaded with ``gongkai learn-questions`` (the command
   itself) and the model is trained by ``store.refresh`` (what the command runs after loading).
4. Cross-validation: the 1,235 train queries are split into K folds by a seeded permutation
   of their query ids; each fold is answered by a model that learned from the other folds'
   pairs only. The re-ranker's weights are fitted inside ``refresh`` on an inner split of
   those pairs, so no held-out question ever influences its own ranking.

Metrics (as the STARD authors compute them): Recall@k = share of a query's relevant articles
in the top k, averaged over queries; MRR@10 = 1/rank of the first relevant article in the top
10. Relevant articles missing from our corpus count as misses.
"""

import argparse
import collections
import glob
import html
import io
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
SHARED = REPO.parent / "shared" / "corpus"
LAWS = SHARED / "laws_lawrefbook"
STARD = SHARED / "stard" / "queries.train.json"

_ARTICLE = re.compile(r"^第[零〇一二三四五六七八九十百千]+条(?:之[一二三四五六七八九十]+)?(?=[\s\u3000]|$)")
_DATED = re.compile(r"\((\d{4}-\d{2}-\d{2})\)$")
# STARD's corpus was collected before its 2024 release: of several versions of a law we keep
# the newest one promulgated by this date (the newest overall when all are later).
SNAPSHOT = "2023-06-30"
# STARD names the two codes by their full titles (中华人民共和国民法典第X条); every other law
# by its short name, which is the file name (劳动合同法第七条).
CODES = {"民法典", "刑法"}


# -- the corpus ----------------------------------------------------------------------------------

def law_files(root=LAWS) -> dict[str, list[str]]:
    """{law name: the files to cut}: one version per law; the 民法典's seven 编 together."""
    versions = collections.defaultdict(list)
    for path in sorted(glob.glob(f"{root}/**/*.md", recursive=True)):
        if os.path.basename(path) == "_index.md" or "/案例/" in path:  # cases are not statutes
            continue
        stem = os.path.basename(path)[:-3]
        dated = _DATED.search(stem)
        stem = _DATED.sub("", stem)
        with open(path, encoding="utf-8") as f:
            h1 = f.readline().lstrip("#").strip()
        folder = os.path.basename(os.path.dirname(path))
        name = h1 if folder in CODES or stem in CODES else stem
        versions[name].append((dated.group(1) if dated else "", path))
    chosen = {}
    for name, files in versions.items():
        files.sort()
        if folder_of(files[0][1]) == "民法典":
            chosen[name] = [p for _, p in files]
        else:
            before = [f for f in files if f[0] <= SNAPSHOT] or files
            chosen[name] = [before[-1][1]]
    return chosen


def folder_of(path) -> str:
    return os.path.basename(os.path.dirname(path))


def articles(path):
    """(``第X条``, text) of each article of a Markdown law, in order."""
    with open(path, encoding="utf-8") as f:
        body = f.read().split("<!-- INFO END -->", 1)[-1]
    current = None
    for line in body.splitlines():
        line = line.strip()
        if match := _ARTICLE.match(line):
            if current:
                yield current[0], "\n".join(current[1])
            current = (match.group(0), [line])
        elif line.startswith("#"):
            if current:
                yield current[0], "\n".join(current[1])
            current = None
        elif current is not None and line:
            current[1].append(line)
    if current:
        yield current[0], "\n".join(current[1])


def cut_corpus(root=LAWS) -> dict[str, str]:
    """{``名称第X条``: article text}."""
    docs = {}
    for name, paths in law_files(root).items():
        for path in paths:
            for number, text in articles(path):
                docs.setdefault(name + number, text)
    return docs


# -- metrics -------------------------------------------------------------------------------------

def metrics(runs) -> dict[str, float]:
    """``runs``: [(ranked names, relevant names)]."""
    r10 = r100 = mrr = 0.0
    for ranked, relevant in runs:
        relevant = set(relevant)
        r10 += len(relevant & set(ranked[:10])) / len(relevant)
        r100 += len(relevant & set(ranked[:100])) / len(relevant)
        mrr += next((1 / k for k, name in enumerate(ranked[:10], 1) if name in relevant), 0.0)
    n = max(1, len(runs))
    return {"R@10": r10 / n, "R@100": r100 / n, "MRR@10": mrr / n}


def rrf(*lists, k=60):
    """Reciprocal rank fusion (parameter-free: k=60 as in Cormack et al. 2009)."""
    scores = collections.defaultdict(float)
    for ranked in lists:
        for r, d in enumerate(ranked):
            scores[d] += 1 / (k + r + 1)
    return sorted(scores, key=lambda d: -scores[d])


# -- Django ------------------------------------------------------------------------------------

def setup_django(database_url, data_dir, *, databases=None, search=None):
    """Django on a throw-away catalogue: ``database_url`` (default SQLite in ``data_dir``),
    migrated. ``databases`` adds further aliases ({alias: settings dict, as
    ``gongkai.config.envdatabase`` makes them}, migrated too); ``search``
    replaces ``settings.GONGKAI_SEARCH`` (the search backends, as a site configures them)."""
    os.environ.setdefault("GONGKAI_SECRET_KEY", "relevance-bench")
    os.environ["GONGKAI_DATA_DIR"] = str(data_dir)
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{data_dir}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
    from django.conf import settings

    for alias, config in (databases or {}).items():
        settings.DATABASES[alias] = config
    if search is not None:
        settings.GONGKAI_SEARCH = search
    import django

    django.setup()
    from django.core.management import call_command

    for alias in ["default", *(databases or {})]:
        call_command("migrate", database=alias, verbosity=0)


def load_documents(docs: dict[str, str]) -> dict[int, str]:
    """Articles as published Documents; returns {pk: title}."""
    import datetime as dt

    from django.utils import timezone

    from gongkai.catalog.models import Agency
    from gongkai.documents.models import Disclosure, Document, Status

    Document.objects.all().delete()
    agency, _ = Agency.objects.get_or_create(name="全国人民代表大会常务委员会",
                                             defaults={"code": "BENCH"})
    published = timezone.make_aware(dt.datetime(2023, 6, 30))
    batch = []
    for title, text in docs.items():
        body = "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines())
        batch.append(Document(title=title, body=body, agency=agency, status=Status.PUBLISHED,
                              disclosure=Disclosure.ACTIVE, published_at=published))
    # bulk_create sends no signals: the FTS index is not built (this bench does not use it).
    Document.objects.bulk_create(batch, batch_size=2000)
    return dict(Document.objects.values_list("pk", "title"))


def learn_through_command(queries, path, *, refresh=False) -> str:
    """Load pairs with ``gongkai learn-questions`` (answers named by exact title) into an
    empty question store; with ``refresh`` the command also trains the model, as it does
    for a site (otherwise it runs with ``--no-refresh`` and the caller trains)."""
    from django.core.management import call_command

    from gongkai.questions.models import Question, RankingModel

    Question.objects.all().delete()
    RankingModel.objects.all().delete()
    with open(path, "w", encoding="utf-8") as f:
        for q in queries:
            f.write(json.dumps({"q": q["问题"], "answers": q["match_name"]},
                               ensure_ascii=False) + "\n")
    out = io.StringIO()
    call_command("learn_questions", str(path), *([] if refresh else ["--no-refresh"]), stdout=out)
    return out.getvalue()


def load_queries(path=STARD) -> list[dict]:
    """STARD's questions: {"query_id", "问题", "match_name": [article names], …}."""
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def folds(queries, k, seed=0) -> list[tuple[list[dict], list[dict]]]:
    """(train, test) per fold: the queries split into ``k`` folds by a seeded permutation of
    their query ids; a fold's model learns from the other folds' pairs only."""
    import numpy as np

    ids = sorted(q["query_id"] for q in queries)
    order = np.random.RandomState(seed).permutation(len(ids))
    fold_of = {ids[i]: n % k for n, i in enumerate(order)}
    return [([q for q in queries if fold_of[q["query_id"]] != f],
             [q for q in queries if fold_of[q["query_id"]] == f]) for f in range(k)]


# -- the runs ----------------------------------------------------------------------------------

STEPS = [
    ("bm25", "BM25 baseline (rank-bm25 BM25Okapi, jieba precise mode)"),
    ("segmentation", "+ segmentation: rjieba search mode, query and documents (no pairs)"),
    ("no_pairs", "our system without pairs (learn-questions not run)"),
    ("expansion", "+ learned query expansion (RRF of BM25 and expanded-query BM25)"),
    ("priors", "+ document/statute priors (RRF with prior-ordered candidates)"),
    ("similar", "+ similar past questions (RRF with their answers' votes)"),
    ("reranker", "+ learned re-ranker = our system with pairs (Model.rerank)"),
    ("hits_only", "  the same, given BM25 hits only (no expanded-query search)"),
    ("minus_expansion", "  re-ranker without query expansion (refitted)"),
    ("minus_priors", "  re-ranker without priors (refitted)"),
    ("minus_similar", "  re-ranker without similar questions (and what they seed)"),
    ("minus_adjacent", "  re-ranker without neighbouring articles (refitted)"),
    ("minus_title", "  re-ranker without the title-word feature (refitted)"),
    ("minus_interactions", "  re-ranker without feature products (refitted)"),
]
# ablation → (feature groups dropped, candidate sources dropped)
WITHOUT = {
    "minus_expansion": (("expansion",), ("from_expanded",)),
    "minus_priors": (("priors",), ()),
    "minus_similar": (("similar", "adjacent"), ("from_similar", "from_adjacent")),
    "minus_adjacent": (("adjacent",), ("from_adjacent",)),
    "minus_title": (("title",), ()),
    "minus_interactions": ((), ()),
}


def feature_mask(step):
    from gongkai.questions.learning import BASE_FEATURES, FEATURE_GROUPS, FEATURES

    groups, _ = WITHOUT[step]
    drop = {f for g in groups for f in FEATURE_GROUPS.get(g, (g,))}
    if step == "minus_interactions":
        return list(BASE_FEATURES)
    return [f for f in FEATURES if not drop.intersection(f.split("*"))]


def source_filter(features, step):
    """Rows (candidates) that remain when some candidate sources are switched off."""
    import numpy as np

    from gongkai.questions.learning import FEATURES, SOURCES

    _, dropped = WITHOUT[step]
    kept = [FEATURES.index(s) for s in SOURCES if s not in dropped]
    return np.any(features[:, kept] > 0, axis=1)


def refit(data, step):
    from gongkai.questions.learning import TrainingData, fit_weights

    kept = TrainingData()
    for x, y in zip(data.features, data.labels, strict=True):
        rows = source_filter(x, step)
        kept.features.append(x[rows])
        kept.labels.append(y[rows])
    return fit_weights(kept, feature_mask(step))


def evaluate_fold(model, test, index, views, titles, results, timings):
    import numpy as np

    from gongkai.questions.learning import FEATURES, analyzer, query_weights

    col = {f: i for i, f in enumerate(FEATURES)}
    refits = {step: refit(model.training_data, step) for step in WITHOUT}

    def lookup(ids):
        return {d: views[d] for d in ids if d in views}

    for q in test:
        relevant = q["match_name"]
        terms = analyzer().terms(q["问题"])
        hits = index.search(query_weights(terms))
        t = time.perf_counter()
        expanded_hits = index.search(model.expand(terms))
        ranked = model.rerank(q["问题"], hits, expanded_hits=expanded_hits, docs=lookup)
        timings.append(time.perf_counter() - t)

        def names(ids):
            return [titles[d] for d in ids]

        results["reranker"].append((names(d for d, _ in ranked), relevant))
        only = model.rerank(q["问题"], hits, docs=lookup)
        results["hits_only"].append((names(d for d, _ in only), relevant))
        cands = model.candidates(terms, hits, expanded_hits, docs=lookup)
        ids = np.array(cands.ids)
        x = cands.features

        def by(rows, *features, x=x, ids=ids):
            keys = [-x[rows, col[f]] for f in reversed(features)]
            return list(ids[rows][np.lexsort(keys)])

        bm25_list = [d for d, _ in hits]
        exp_list = [d for d, _ in expanded_hits]
        lexical = (x[:, col["from_bm25"]] > 0) | (x[:, col["from_expanded"]] > 0)
        prior_list = by(lexical, "group_share", "doc_prior", "bm25")
        similar_list = by(x[:, col["from_similar"]] > 0, "similar_doc", "similar_group")
        results["expansion"].append((names(rrf(bm25_list, exp_list)), relevant))
        results["priors"].append((names(rrf(bm25_list, exp_list, prior_list)), relevant))
        results["similar"].append(
            (names(rrf(bm25_list, exp_list, prior_list, similar_list)), relevant))
        for step, (w, b) in refits.items():
            rows = source_filter(x, step)
            scores = x[rows] @ w + b
            kept = ids[rows]
            results[step].append((names(kept[np.lexsort((kept, -scores))]), relevant))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--eval", metavar="QUERIES.json",
                        help="train on all train pairs and test on these (STARD format)")
    parser.add_argument("--database-url", help="default: SQLite in a temporary directory")
    parser.add_argument("--json", metavar="FILE", help="also write the results here")
    args = parser.parse_args(argv)
    started = time.time()
    clock = lambda: f"[{time.time() - started:6.1f}s]"  # noqa: E731

    docs = cut_corpus()
    queries = load_queries()
    covered = sum(n in docs for q in queries for n in q["match_name"])
    total = sum(len(q["match_name"]) for q in queries)
    print(f"{clock()} corpus: {len(docs)} articles from {LAWS}; "
          f"{covered}/{total} relevant articles of the train queries are in it", flush=True)

    import numpy as np

    results = collections.defaultdict(list)

    # -- plain BM25, as the STARD authors ran it -----------------------------------------------
    import jieba

    from gongkai.questions.learning import BM25Index, DocView

    jieba.setLogLevel(60)
    stop = {"\n", "\\", "n", " ", ".", "（", "）"}  # the STARD script's own list (its stopword file is not public)

    def jieba_terms(text):
        return [w for w in jieba.lcut(text) if w not in stop]

    names = list(docs)
    jviews = [DocView(i, "", dict(collections.Counter(t)), len(t))
              for i, t in enumerate(jieba_terms(docs[n]) for n in names)]
    baseline = BM25Index(jviews)
    print(f"{clock()} baseline index built (jieba)", flush=True)
    test_sets = []
    if args.eval:
        test = json.load(open(args.eval, encoding="utf-8"))
        seen = {q["问题"] for q in queries} & {q["问题"] for q in test}
        if seen:
            print(f"warning: {len(seen)} of the --eval questions are train questions too; "
                  "their results are not unseen-question results", flush=True)
        test_sets = [(queries, test)]
    else:
        test_sets = folds(queries, args.folds, args.seed)
    evaluated = [q for _, test in test_sets for q in test]
    for q in evaluated:
        hits = baseline.search(collections.Counter(jieba_terms(q["问题"])), 100)
        results["bm25"].append(([names[d] for d, _ in hits], q["match_name"]))
    from rank_bm25 import BM25Okapi

    reference = BM25Okapi([[t for t, c in v.tf.items() for _ in range(c)] for v in jviews])
    diff = max(float(np.abs(reference.get_scores(jieba_terms(q["问题"]))
                            - baseline.scores(collections.Counter(jieba_terms(q["问题"])))).max())
               for q in evaluated[:10])
    print(f"{clock()} baseline done; largest score difference to rank_bm25 on 10 queries: "
          f"{diff:.1e}", flush=True)
    del reference, jviews, baseline

    # -- our system ----------------------------------------------------------------------------
    with tempfile.TemporaryDirectory() as tmp:
        setup_django(args.database_url, tmp)
        from gongkai.questions import store
        from gongkai.questions.learning import analyzer, query_weights

        titles = load_documents(docs)
        print(f"{clock()} {len(titles)} documents in the database", flush=True)
        views = {v.id: v for v in store.published_views(sample=None)}
        index = BM25Index(list(views.values()))
        print(f"{clock()} product analyzer index built", flush=True)
        for q in evaluated:
            hits = index.search(query_weights(analyzer().terms(q["问题"])))
            results["segmentation"].append(([titles[d] for d, _ in hits], q["match_name"]))
        # Without pairs: learn-questions has not run; refresh trains a pair-less model.
        model = store.refresh(sample=None)

        def lookup(ids):
            return {d: views[d] for d in ids if d in views}

        for q in evaluated:
            hits = index.search(query_weights(analyzer().terms(q["问题"])))
            ranked = model.rerank(q["问题"], hits, docs=lookup)
            results["no_pairs"].append(([titles[d] for d, _ in ranked], q["match_name"]))
        print(f"{clock()} without pairs done", flush=True)

        timings = []
        for k, (train, test) in enumerate(test_sets):
            out = learn_through_command(train, Path(tmp) / f"pairs-{k}.jsonl")
            first = out.splitlines()[0] if out else ""
            model = store.refresh(keep_training_data=True)
            evaluate_fold(model, test, index, views, titles, results, timings)
            print(f"{clock()} fold {k + 1}/{len(test_sets)}: trained on {len(train)} pairs "
                  f"({first.split('：', 1)[-1][:80]}…), tested on {len(test)}; "
                  f"{metrics(results['reranker'][-len(test):])}", flush=True)

    # -- the table ------------------------------------------------------------------------------
    how = (f"trained on all {len(queries)} train pairs, tested on {args.eval}" if args.eval else
           f"{args.folds}-fold cross-validation by query id (seed {args.seed}): every query is "
           f"answered by a model that never saw it")
    print(f"\nSTARD, {len(evaluated)} queries; {how}\n")
    print(f"| {'step':<72} | R@10  | R@100 | MRR@10 |")
    print(f"|{'-' * 74}|-------|-------|--------|")
    table = {}
    for step, label in STEPS:
        if results.get(step):
            m = metrics(results[step])
            table[step] = m
            print(f"| {label:<72} | {m['R@10']:.3f} | {m['R@100']:.3f} | {m['MRR@10']:.3f}  |")
    timings.sort()
    if timings:
        print(f"\nre-ranking latency (expansion + Model.rerank, candidates in memory): "
              f"p50 {1000 * timings[len(timings) // 2]:.1f} ms, "
              f"p95 {1000 * timings[int(len(timings) * 0.95)]:.1f} ms")
    print(f"total {time.time() - started:.0f} s")
    if args.json:
        Path(args.json).write_text(json.dumps(
            {"how": how, "queries": len(evaluated), "table": table}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
