"""数据核验 recall and false alarms on the report-style sentences, and false alarms on real pages.

    .venv/bin/python bench/figures_recall.py [--old REV] [--shared /work/shared] [--list]

The sentences are gongkai/checks/tests/data/sentences.tsv (half wrong, half right, each with
its verdict, written before the checker was extended for them) and heldout.tsv (written after,
not tuned on). A wrong sentence is caught when check_text reports an inconsistency in it; a right
sentence is a false alarm when it does. --old REV also scores the figures.py of a git revision
(the checker before a change). The shared corpora (gov.cn pages, the laws, the seed page) hold
no known inconsistency but the seed page's two, so every other alarm there is a false one.
--list prints every miss and every false alarm.
"""

import argparse
import subprocess
import sys
import types
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from figures_false_alarms import DEFAULT_SHARED, corpora  # noqa: E402

from gongkai.checks import figures  # noqa: E402
from gongkai.checks.tests.sentences import HELDOUT, SENTENCES, load_sentences  # noqa: E402

SEED_KNOWN = 2  # 1590人次 = 1375 + 766 and 成功率 98.30%: real errors on the page


def old_checker(rev: str) -> types.ModuleType:
    source = subprocess.run(["git", "show", f"{rev}:gongkai/checks/figures.py"], cwd=REPO,
                            capture_output=True, text=True, check=True).stdout
    module = types.ModuleType("old_figures")
    sys.modules[module.__name__] = module  # dataclasses look their module up
    exec(compile(source, "old_figures.py", "exec"), module.__dict__)
    return module


def alarms(checker, text: str) -> list:
    return [f for f in checker.check_text(text) if f.status == checker.INCONSISTENT]


def score_sentences(checker, path: Path, show: bool) -> dict:
    caught, flagged, totals = Counter(), Counter(), Counter()
    for s in load_sentences(path):
        totals[s.verdict, s.shape] += 1
        hit = bool(alarms(checker, s.text))
        if s.verdict == "wrong":
            caught[s.shape] += hit
        else:
            flagged[s.shape] += hit
        if show and hit != (s.verdict == "wrong"):
            print(f"  {'miss' if s.verdict == 'wrong' else 'FALSE ALARM'} [{s.shape}] {s.text}")
    return {"caught": caught, "flagged": flagged, "totals": totals}


def score_corpora(checker, shared: Path, show: bool) -> dict[str, tuple[int, int]]:
    files = corpora(shared)
    seed = shared / "seed" / "seed-page.txt"
    files["seed"] = [(seed, seed.read_text(encoding="utf-8"))] if seed.exists() else []
    rows = {}
    for name, pages in files.items():
        found = [(path, f) for path, text in pages for f in alarms(checker, text)]
        rows[name] = (len(pages), len(found) - (SEED_KNOWN if name == "seed" else 0))
        for path, f in found if show else []:
            print(f"  [{name}] {path.name}: {f.claim}\n      {f.sentence[:200]}")
    return rows


def print_scores(label: str, s: dict) -> None:
    shapes = sorted({shape for _, shape in s["totals"]})
    print(f"\n{label}\n| shape | wrong caught | right flagged |\n|---|---|---|")
    for shape in [*shapes, "all"]:
        wrong = s["totals"]["wrong", shape] if shape != "all" else sum(
            n for (v, _), n in s["totals"].items() if v == "wrong")
        right = s["totals"]["right", shape] if shape != "all" else sum(
            n for (v, _), n in s["totals"].items() if v == "right")
        caught = s["caught"][shape] if shape != "all" else sum(s["caught"].values())
        flagged = s["flagged"][shape] if shape != "all" else sum(s["flagged"].values())
        print(f"| {shape} | {caught} / {wrong} | {flagged} / {right} |")


def print_corpora(corpus_rows: dict) -> None:
    print("\n| corpus | files | false alarms |\n|---|---|---|")
    for name, (pages, false) in corpus_rows.items():
        print(f"| {name} | {pages} | {false} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", help="also score the figures.py of this git revision")
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--list", action="store_true", help="print every miss and false alarm")
    args = parser.parse_args()
    checkers = [(f"before ({args.old})", old_checker(args.old))] if args.old else []
    for label, checker in [*checkers, ("this checkout", figures)]:
        print(f"\n== {label}")
        for name, path in (("sentences", SENTENCES), ("held-out", HELDOUT)):
            print_scores(f"{name}:", score_sentences(checker, path, args.list))
        print_corpora(score_corpora(checker, args.shared, args.list))


if __name__ == "__main__":
    main()
