"""Loading answered questions from JSON Lines: ``{"q": "…", "answers": ["<索引号 or exact
title>", …]}`` per line (an optional ``"source"`` overrides the file's).

Each answer is looked up by 索引号 first, then by exact title (published documents first,
then the newest). Questions are keyed by their text, and links are only ever added, so loading
the same file again changes nothing.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from gongkai.documents.models import Document

from .models import Question, question_key

CHUNK = 500


@dataclass
class LoadSummary:
    lines: int = 0
    created: int = 0  # new questions
    existing: int = 0  # questions already stored
    linked: int = 0  # new question→document links
    unresolved: list[tuple[int, str]] = field(default_factory=list)  # (line, answer)
    bad: list[tuple[int, str]] = field(default_factory=list)  # (line, why)

    def report(self) -> str:
        out = [f"读入 {self.lines} 行：新增问题 {self.created} 个，已有 {self.existing} 个，"
               f"新增链接 {self.linked} 条；无法解析的答复 {len(self.unresolved)} 个，"
               f"跳过的行 {len(self.bad)} 行。"]
        out += [f"第 {n} 行：找不到答复文件「{a}」（既不是索引号，也不是文件名称）"
                for n, a in self.unresolved]
        out += [f"第 {n} 行：{why}，已跳过" for n, why in self.bad]
        return "\n".join(out)


def parse_line(line: str):
    """(question, answers, source or None) of one line, or raise ValueError saying why."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError:
        raise ValueError("不是有效的 JSON")
    if not isinstance(record, dict):
        raise ValueError("不是 JSON 对象")
    question = record.get("q")
    if not isinstance(question, str) or not question.strip():
        raise ValueError("缺少问题（q）")
    answers = record.get("answers")
    if not isinstance(answers, list) or not all(isinstance(a, str) for a in answers):
        raise ValueError("answers 应为字符串列表")
    source = record.get("source")
    return (" ".join(question.split()), [a.strip() for a in answers if a.strip()],
            source if isinstance(source, str) else None)


def resolve(names) -> dict[str, int]:
    """{索引号 or title: document id} for the names that name a document."""
    names = list(dict.fromkeys(names))
    found: dict[str, int] = {}
    for start in range(0, len(names), CHUNK):
        chunk = names[start:start + CHUNK]
        upper = {n.upper(): n for n in chunk}
        for pk, index_no in Document.objects.filter(
                index_no__in=[*chunk, *upper]).values_list("pk", "index_no"):
            found.setdefault(index_no if index_no in chunk else upper[index_no], pk)
        rest = [n for n in chunk if n not in found]
        published = set(Document.objects.published().filter(title__in=rest)
                        .values_list("pk", flat=True))
        by_title: dict[str, list] = {}
        for pk, title, published_at in Document.objects.filter(title__in=rest).values_list(
                "pk", "title", "published_at"):
            by_title.setdefault(title, []).append(
                (pk in published, published_at.timestamp() if published_at else 0, pk))
        for title, docs in by_title.items():
            found[title] = max(docs)[2]
    return found


def load_lines(lines, *, source: str = "") -> LoadSummary:
    summary = LoadSummary()
    records = []
    for number, line in enumerate(lines, 1):
        summary.lines = number
        if not line.strip():
            continue
        try:
            records.append((number, *parse_line(line)))
        except ValueError as why:
            summary.bad.append((number, str(why)))
    ids = resolve(a for _, _, answers, _ in records for a in answers)
    with transaction.atomic():
        keys = [question_key(q) for _, q, _, _ in records]
        stored = {}
        for start in range(0, len(keys), CHUNK):
            stored.update(Question.objects.filter(key__in=keys[start:start + CHUNK])
                          .values_list("key", "pk"))
        for (number, text, answers, line_source), key in zip(records, keys, strict=True):
            pk = stored.get(key)
            if pk is None:
                pk = Question.objects.create(text=text, source=line_source or source).pk
                stored[key] = pk
                summary.created += 1
            else:
                summary.existing += 1
            for a in answers:
                if a not in ids:
                    summary.unresolved.append((number, a))
            wanted = {ids[a] for a in answers if a in ids}
            have = set(Question.answers.through.objects.filter(
                question_id=pk, document_id__in=wanted).values_list("document_id", flat=True))
            Question.answers.through.objects.bulk_create(
                [Question.answers.through(question_id=pk, document_id=d)
                 for d in sorted(wanted - have)])
            summary.linked += len(wanted - have)
    return summary


def load_file(path, *, source: str | None = None) -> LoadSummary:
    path = Path(path)
    with path.open(encoding="utf-8-sig") as lines:
        return load_lines(lines, source=source if source is not None else path.name)
