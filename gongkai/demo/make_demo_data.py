"""How gongkai/demo/data/ was made from ../shared/corpus (run once by a developer; the output
is committed, so `make run` needs nothing outside the repository).

    .venv/bin/python -m gongkai.demo.make_demo_data ../shared

Official documents are public by law (著作权法 art. 5 excludes statutes and official documents
from copyright); SOURCES.md records where each file came from.
"""

import json
import re
import shutil
import sys
import unicodedata
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
GOVCN_FILES = 24
REGULATION_FOLDERS = ["公安部", "市场监督管理总局", "人力资源社会保障部", "国家安全部"]
CN_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")


def main(shared: Path) -> None:
    shutil.copy(shared / "seed" / "seed-page.txt", DATA / "seed-page.txt")
    manifest = json.loads((shared / "corpus/govcn_zhengce_html/manifest.json").read_text("utf-8"))
    for entry in sorted(manifest, key=lambda e: e["file"])[:GOVCN_FILES]:
        shutil.copy(shared / "corpus/govcn_zhengce_html" / entry["file"], DATA / "govcn" / entry["file"])
    (DATA / "govcn" / "sources.json").write_text(json.dumps(
        {e["file"]: e["url"] for e in manifest}, ensure_ascii=False, indent=1), "utf-8")
    laws = shared / "corpus/laws_lawrefbook"
    paths = [laws / "行政法规/政府信息公开条例(2019-04-03).md"]
    for folder in REGULATION_FOLDERS:
        paths += sorted((laws / "部门规章" / folder).glob("*(*).md"))[:4]
    with open(DATA / "regulations.jsonl", "w", encoding="utf-8") as out:
        for path in paths:
            out.write(json.dumps(regulation_record(path), ensure_ascii=False) + "\n")


def regulation_record(path: Path) -> dict:
    text = path.read_text("utf-8")
    head, _, body = text.partition("<!-- INFO END -->")
    title = head.strip().splitlines()[0].lstrip("# ").strip()
    history = [unicodedata.normalize("NFKC", line).strip() for line in head.splitlines()[1:] if line.strip()]
    name_date = re.search(r"\((\d{4}-\d{2}-\d{2})\)", path.name)
    # The newest 公布/修订 line dates the text; a 施行 line gives the effective date.
    dates = [_iso(m) for line in history if "施行" not in line for m in [CN_DATE.search(line)] if m]
    effective = next((_iso(CN_DATE.search(x)) for x in history if "施行" in x and CN_DATE.search(x)), None)
    is_state_council = path.parent.name == "行政法规"
    publisher = "国务院" if is_state_council else path.parent.name
    orders = [m.group(0) for x in history for m in [re.search(r"(?:国务院令|令)第\d+号", x)] if m]
    doc_no = orders[-1] if orders else None
    if doc_no and doc_no.startswith("令"):
        doc_no = path.parent.name + doc_no
    body_lines = [re.sub(r"^#+\s*", "", line).strip() for line in body.splitlines()]
    return {
        "index_no": None, "category": None, "publisher": publisher,
        "written_on": dates[-1] if dates else name_date.group(1), "title": title, "doc_no": doc_no,
        "published_on": dates[-1] if dates else name_date.group(1), "subject_terms": [],
        "abstract": "；".join(history) or None,
        "body_text": "\n".join(line for line in body_lines if line),
        "genre": "行政法规" if is_state_council else "规章", "validity": "现行有效",
        "effective_on": effective,
        "source_url": "https://github.com/LawRefBook/Laws/blob/master/" + "/".join(path.parts[-3:] if not is_state_council else path.parts[-2:]),
    }


def _iso(match) -> str:
    y, m, d = match.groups()
    return f"{y}-{int(m):02d}-{int(d):02d}"


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared"))
