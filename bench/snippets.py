"""Snippet cost: milliseconds to cut one highlighted snippet from a body of 1 KB … 50 MB.

    .venv/bin/python bench/snippets.py
    .venv/bin/python bench/snippets.py --old 981eb5a     # also the highlight.py of a commit

Bodies are Chinese text with full-width punctuation (，。（）……, which NFKC folds: the
slow path of unicodedata.normalize), built from a fixed seed. For each size three queries:
``dense`` (a word every ~50 characters, all through the body), ``sparse`` (one word near the
end, beyond the scanned prefix) and ``none``. Columns:

- ``snippet``: ``gongkai.search.highlight.snippet(text, words)``, the text given;
- ``document hit``: what a result page spends per hit on its snippet, as
  ``results.make_hits`` does for documents: ``DocumentIndex.snippet_text`` (HTML prefix to
  text) then ``snippet``;
- ``20-hit page``: 20 × ``document hit``;
- ``old snippet`` (with ``--old REV``): the highlight.py of that commit, text given (sizes
  above 2 MB are skipped: they take tens of seconds).

Times are the best of ``--repeat`` runs (default 3), in ms.
"""

import argparse
import os
import random
import subprocess
import sys
import time
import types
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

SIZES = [1_000, 10_000, 100_000, 1_000_000, 2_000_000, 10_000_000, 50_000_000]
OLD_MAX = 2_000_000
FILLER = ("为进一步规范政府信息公开工作，切实保障公民、法人和其他组织依法获取政府信息，"
          "根据《中华人民共和国政府信息公开条例》（国务院令第711号）……结合本区实际，制定本办法。")


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
    os.environ.setdefault("GONGKAI_SECRET_KEY", "bench")
    import django

    django.setup()


def body(size: int, mode: str, rng: random.Random) -> str:
    parts, length = [], 0
    while length < size:
        chunk = FILLER[rng.randrange(len(FILLER)):] + FILLER
        if mode == "dense":
            chunk = chunk[:48] + "农业"
        parts.append(chunk[:50])
        length += 50
    text = "".join(parts)[:size]
    if mode == "sparse":
        text = text[:-60] + "金融支持乡村振兴" + text[-52:]
    return text


def old_highlight(rev: str):
    source = subprocess.run(["git", "show", f"{rev}:gongkai/search/highlight.py"], cwd=REPO,
                            capture_output=True, text=True, check=True).stdout
    module = types.ModuleType("old_highlight")
    exec(compile(source.replace("from .segment import", "from gongkai.search.segment import"),
                 "old_highlight.py", "exec"), module.__dict__)
    return module


def best_of(repeat: int, fn) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--old", help="also time the highlight.py of this git revision")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--max", type=int, default=SIZES[-1], help="largest body, characters")
    args = parser.parse_args()
    setup_django()
    from gongkai.documents.models import Document
    from gongkai.documents.search import DocumentIndex
    from gongkai.search.highlight import SCAN_CHARS, snippet

    index = DocumentIndex()
    old = old_highlight(args.old) if args.old else None
    words = {"dense": ["农业", "政府信息"], "sparse": ["乡村振兴", "金融"], "none": ["火星基地"]}
    snippet("热身", ["热身"])  # builds the fold table once (~30 ms per process)
    print(f"SCAN_CHARS = {SCAN_CHARS:,}; best of {args.repeat}; ms\n")
    header = "| body | query | snippet | document hit | 20-hit page |"
    header += " old snippet |" if old else ""
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    rng = random.Random(20261128)
    for size in [s for s in SIZES if s <= args.max]:
        for mode, query in words.items():
            text = body(size, mode, rng)
            doc = Document(title="", abstract="", body="<p>" + text.replace("。", "。</p><p>") + "</p>")
            t_snippet = best_of(args.repeat, lambda t=text, q=query: snippet(t, q))
            t_hit = best_of(args.repeat,
                            lambda d=doc, q=query: snippet(index.snippet_text(d), q))
            row = (f"| {size / 1000:,.0f} KB | {mode} | {t_snippet:.2f} | {t_hit:.2f} "
                   f"| {20 * t_hit:.1f} |")
            if old:
                if size <= OLD_MAX:
                    row += f" {best_of(1, lambda t=text, q=query: old.snippet(t, q)):.1f} |"
                else:
                    row += " (skipped) |"
            print(row, flush=True)


if __name__ == "__main__":
    main()
