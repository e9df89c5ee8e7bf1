"""Does the privacy review cry wolf? Run the personal-data detector over real public texts.

    .venv/bin/python bench/pii_false_alarms.py [--shared /work/shared] [--list]

Corpora (from the shared folder): the 1,861 Markdown files of laws_lawrefbook (laws,
regulations, judicial interpretations, local regulations) and the 40 www.gov.cn policy pages
(HTML, read as the privacy review reads a body: gongkai.lib.pii.html_text). Statutes and State
Council policies hold no one's ID or phone number, so every finding is a false alarm unless a
person reading it finds a real personal datum (or an office's published number, which an
agency's allow-list would take out). Prints one table row per corpus, then every finding
(masked) with its file, so a person can judge each.
"""

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gongkai.lib.pii import KIND_LABELS, find_pii, html_text  # noqa: E402

DEFAULT_SHARED = Path(__file__).resolve().parents[2] / "shared"
# What the detector reads and must turn down: every run of four or more digits (years,
# article numbers, 文号, amounts, statistics, postcodes).
_FIGURE = re.compile(r"\d{4,}")


def corpora(shared: Path) -> dict[str, list[tuple[Path, str]]]:
    laws_dir = shared / "corpus" / "laws_lawrefbook"
    laws = sorted(p for p in laws_dir.rglob("*.md") if p != laws_dir / "README.md")
    govcn = sorted((shared / "corpus" / "govcn_zhengce_html").glob("*.html"))
    return {
        "laws_lawrefbook": [(p, p.read_text(encoding="utf-8")) for p in laws],
        "govcn_zhengce_html": [(p, html_text(p.read_text(encoding="utf-8"))) for p in govcn],
    }


def scan(shared: Path) -> tuple[list[tuple], list[tuple]]:
    """(rows of the table, every finding as (corpus, file, finding))."""
    rows, listed = [], []
    for name, files in corpora(shared).items():
        kinds = Counter()
        for path, text in files:
            kinds["figures"] += len(_FIGURE.findall(text))
            for finding in find_pii(text):
                kinds[finding.kind] += 1
                listed.append((name, path, finding))
        rows.append((name, len(files), sum(len(t) for _, t in files), kinds))
    return rows, listed


def table(rows) -> str:
    head = ["corpus", "documents", "characters", "figures of 4+ digits", *KIND_LABELS.values(),
            "findings"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, files, chars, kinds in rows:
        counts = [str(kinds[k]) for k in KIND_LABELS]
        findings = sum(kinds[k] for k in KIND_LABELS)
        lines.append(f"| {name} | {files:,} | {chars:,} | {kinds['figures']:,} | "
                     + " | ".join(counts) + f" | {findings} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    args = parser.parse_args()
    if not (args.shared / "corpus").is_dir():
        sys.exit(f"no corpus under {args.shared}")
    rows, listed = scan(args.shared)
    print(table(rows))
    for name, path, f in listed:
        print(f"\n[{name}] {path.name}: {f.label} {f.masked}\n    {f.masked_context}")


if __name__ == "__main__":
    main()
