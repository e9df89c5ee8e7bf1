"""How often does 数据核验 cry wolf? Run check_text over real pages and list every accusation.

    .venv/bin/python bench/figures_false_alarms.py [--shared /work/shared] [--consistent]

Corpora (from the shared folder):
* govcn: the 40 www.gov.cn policy pages (HTML, tags stripped with html.parser);
* laws: the statutes in laws_lawrefbook (Markdown). Statutes state rules, not tallies, so every
  inconsistent finding there is almost surely a false alarm.

Prints one table row per corpus (files, relations checked, inconsistent findings), then each
inconsistent finding so a person can judge it. --consistent lists the consistent ones too.
"""

import argparse
import sys
from html.parser import HTMLParser
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gongkai.checks.figures import INCONSISTENT, check_text  # noqa: E402

DEFAULT_SHARED = Path(__file__).resolve().parents[2] / "shared"
# Tags that end a line of text in a browser: a table cell is not the same sentence as the next.
_BLOCK_TAGS = {"p", "br", "div", "tr", "td", "th", "li", "h1", "h2", "h3", "h4", "table", "title"}


class _TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__()
        self.chunks: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")
        if tag in _BLOCK_TAGS:
            self.chunks.append("\n")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style") and self._skip > 0
        if tag in _BLOCK_TAGS:
            self.chunks.append("\n")

    def handle_data(self, data):
        if not self._skip:
            self.chunks.append(data)


def html_text(html: str) -> str:
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    return "".join(parser.chunks).replace("\xa0", " ")


def corpora(shared: Path) -> dict[str, list[tuple[Path, str]]]:
    govcn = sorted((shared / "corpus" / "govcn_zhengce_html").glob("*.html"))
    laws_dir = shared / "corpus" / "laws_lawrefbook"
    laws = sorted(p for p in laws_dir.rglob("*.md") if p != laws_dir / "README.md")
    return {
        "govcn": [(p, html_text(p.read_text(encoding="utf-8"))) for p in govcn],
        "laws": [(p, p.read_text(encoding="utf-8")) for p in laws],
    }


def run(shared: Path, show_consistent: bool) -> int:
    rows, listed = [], []
    for name, files in corpora(shared).items():
        checked = alarms = 0
        for path, text in files:
            for finding in check_text(text):
                checked += 1
                alarms += finding.status == INCONSISTENT
                if finding.status == INCONSISTENT or show_consistent:
                    listed.append((name, path.name, finding))
        rows.append((name, len(files), checked, alarms))
    print(f"{'corpus':<8} {'files':>6} {'relations':>10} {'inconsistent':>13}")
    for name, files, checked, alarms in rows:
        print(f"{name:<8} {files:>6} {checked:>10} {alarms:>13}")
    for name, filename, f in listed:
        print(f"\n[{name}] {filename}: {f.status} {f.claim} (stated {f.stated}, "
              f"computed {f.computed})\n    {f.sentence[:300]}")
    return sum(row[3] for row in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--consistent", action="store_true", help="also list consistent findings")
    args = parser.parse_args()
    if not (args.shared / "corpus").is_dir():
        sys.exit(f"no corpus under {args.shared}")
    run(args.shared, args.consistent)


if __name__ == "__main__":
    main()
