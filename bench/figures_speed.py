"""数据核验 speed, and proof that a faster check_text finds exactly what the old one found.

    .venv/bin/python bench/figures_speed.py [--base main] [--docs 20000] [--time 5000]

Loads gongkai/checks/figures.py as it is at --base (``git show``) beside the working copy's,
runs both over the same texts and compares ``[f.to_dict() for f in check_text(t)]`` and
``[q.to_dict() for q in extract_quantities(t)]`` exactly:

* the sentences and test strings of gongkai/checks/tests (and digit-mutated variants of them:
  full-width digits, changed figures, joined sentences, line breaks inside figures);
* the laws of laws_lawrefbook (Markdown) and the www.gov.cn pages (text of the HTML);
* the seed page; --docs documents of bench/search_speed.py's synthetic corpus.

Then times both, old and new interleaved, in ms per document over the first --time synthetic
documents and over the laws.
"""

import argparse
import ast
import importlib.util
import random
import re
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "bench")]
SHARED = REPO.parents[1] / "shared"
if not SHARED.exists():
    SHARED = Path("/work/shared")

import search_speed  # noqa: E402
from figures_false_alarms import html_text  # noqa: E402

from gongkai.checks import figures as new  # noqa: E402


def load_base(base: str):
    source = subprocess.run(["git", "-C", str(REPO), "show", f"{base}:gongkai/checks/figures.py"],
                            check=True, capture_output=True, text=True).stdout
    path = Path("/tmp") / f"figures_base_{base.replace('/', '_')}.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("figures_base", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["figures_base"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_texts() -> list[str]:
    tests = REPO / "gongkai" / "checks" / "tests"
    texts = []
    for tsv in sorted((tests / "data").glob("*.tsv")):
        content = tsv.read_text(encoding="utf-8")
        texts.append(content)
        texts += [field for line in content.splitlines() for field in line.split("\t")]
    for py in sorted(tests.glob("*.py")):
        texts += [node.value for node in ast.walk(ast.parse(py.read_text(encoding="utf-8")))
                  if isinstance(node, ast.Constant) and isinstance(node.value, str)]
    return texts


_FULL = str.maketrans("0123456789.%", "０１２３４５６７８９．％")


def mutations(texts: list[str], seed: int = 7) -> list[str]:
    """Variants that reach the rarer paths: changed figures, full width, joined, split figures,
    clauses of several sentences in one."""
    rng = random.Random(seed)
    sentences = [t for t in texts if any(c.isdigit() for c in t) and len(t) < 400]
    out = []
    for t in sentences:
        for _ in range(8):
            out.append("".join(rng.choice("0123456789") if c.isdigit() and rng.random() < 0.3
                               else c for c in t))
        out.append(t.translate(_FULL))
        out.append(t.replace("%", "\n%").replace("，", "\n", 1))
        out.append(" " + t.replace("。", "。 ") + "\n\n" + rng.choice(sentences))
        out.append(t.replace("。", "").replace("；", "") + rng.choice(sentences).replace("。", ""))
    clauses = [c for t in sentences for c in re.split("[，；。]", t) if c]
    for _ in range(4000):  # clauses of different sentences together: markers, rates, changes
        out.append("，".join(rng.choices(clauses, k=rng.randint(2, 6))) + "。")
    return out


def corpora(docs: int) -> dict[str, list[str]]:
    texts = test_texts()
    laws = [p.read_text(encoding="utf-8")
            for p in sorted((SHARED / "corpus" / "laws_lawrefbook").rglob("*.md"))]
    govcn = [html_text(p.read_text(encoding="utf-8"))
             for p in sorted((SHARED / "corpus" / "govcn_zhengce_html").glob("*.html"))]
    seed = [(SHARED / "seed" / "seed-page.txt").read_text(encoding="utf-8")]
    search_speed.SEED_PAGE = SHARED / "seed" / "seed-page.txt"  # from a worktree too
    synthetic = [r.body for r in search_speed.corpus(docs, 7)]
    return {"tests": texts, "mutated": mutations(texts), "laws": laws, "govcn": govcn,
            "seed": seed, "synthetic": synthetic}


def compare(old, name: str, texts: list[str]) -> int:
    differences = findings = 0
    for text in texts:
        a = [f.to_dict() for f in old.check_text(text)]
        b = [f.to_dict() for f in new.check_text(text)]
        qa = [q.to_dict() for q in old.extract_quantities(text)]
        qb = [q.to_dict() for q in new.extract_quantities(text)]
        findings += len(a)
        if a != b or qa != qb:
            differences += 1
            if differences <= 3:
                print(f"  DIFFERENT in {name}: {text[:120]!r}\n    old {a}\n    new {b}")
    print(f"{name:10} {len(texts):6} texts {findings:6} findings  {differences} different")
    return differences


def per_doc_ms(module, texts: list[str]) -> float:
    start = time.perf_counter()
    for text in texts:
        module.check_text(text)
    return (time.perf_counter() - start) * 1000 / len(texts)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", default="main")
    parser.add_argument("--docs", type=int, default=20000)
    parser.add_argument("--time", type=int, default=5000)
    parser.add_argument("--no-compare", action="store_true")
    args = parser.parse_args()
    old = load_base(args.base)
    texts = corpora(args.docs)
    if not args.no_compare:
        different = sum(compare(old, name, t) for name, t in texts.items())
        print("identical" if not different else f"{different} texts differ")
    for name in ("synthetic", "laws"):
        sample = texts[name][:args.time]
        per_doc_ms(new, sample[:200])  # warm up both
        per_doc_ms(old, sample[:200])
        times = {"old": [], "new": []}
        for _ in range(2):
            times["old"].append(per_doc_ms(old, sample))
            times["new"].append(per_doc_ms(new, sample))
        o, n = min(times["old"]), min(times["new"])
        chars = sum(map(len, sample)) / len(sample)
        print(f"{name:10} {len(sample)} docs (~{chars:.0f} chars): old {o:.3f} ms/doc, "
              f"new {n:.3f} ms/doc, {o / n:.1f}x")


if __name__ == "__main__":
    main()
