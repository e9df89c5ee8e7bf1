import json

from django.core.management.base import BaseCommand, CommandError

from gongkai.search.registry import get_index
from gongkai.search.results import search


class Command(BaseCommand):
    help = 'Search the catalogue: `search "QUERY"`, or `search --queries FILE.jsonl` (one JSON line each).'

    def add_arguments(self, parser):
        parser.add_argument("query", nargs="?", help="what to search for")
        parser.add_argument("--limit", type=int, default=10, help="results per query")
        parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
        parser.add_argument("--queries", help='JSONL file of {"id": …, "q": …}, one per line')

    def handle(self, *args, query=None, limit=10, queries=None, **options):
        if queries:
            return self.run_file(queries, limit)
        if not query:
            raise CommandError('Give a query, e.g. gongkai search "翠竹街道", or --queries FILE.jsonl')
        results = search(query, per_page=limit, facets=False)
        if options["json"]:
            self.stdout.write(json.dumps({"q": query, "total": results.total,
                                          "partial": results.partial,
                                          "results": rows(results)}, ensure_ascii=False))
            return
        self.stdout.write(f"{results.total}{'' if results.exact else '+'} 条"
                          + ("（无同时包含全部检索词的信息，以下包含部分词语）" if results.partial else ""))
        for n, row in enumerate(rows(results), 1):
            self.stdout.write(f"{n:>3}  {row['score']:>9.4f}  {row['index_no'] or '-':<32} {row['title']}")

    def run_file(self, path, limit):
        """One JSON line out per good line in. A bad line is reported on stderr (file, line
        number, reason) and skipped; the exit status is 1 if there was one."""
        try:
            lines = open(path, "rb")
        except OSError as e:
            raise CommandError(f"{path}: {e.strerror}")
        bad = 0
        with lines:
            for number, raw in enumerate(lines, 1):
                try:
                    item = query_line(raw)
                except ValueError as e:
                    self.stderr.write(f"{path}:{number}: {e}")
                    bad += 1
                    continue
                if item is None:
                    continue
                results = search(item["q"], per_page=limit, facets=False)
                self.stdout.write(json.dumps({"id": item.get("id"), "results": rows(results)},
                                             ensure_ascii=False))
        if bad:
            raise CommandError(f"{path}: {bad} bad line{'s' if bad > 1 else ''} skipped",
                               returncode=1)


def query_line(raw: bytes) -> dict | None:
    """The query of one line of a --queries file, None for a blank line; ValueError (the
    reason) for a line that is not a JSON object with a string "q"."""
    try:
        line = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError("not UTF-8")
    if not line.strip():
        return None
    try:
        item = json.loads(line)
    except json.JSONDecodeError as e:
        raise ValueError(f"not JSON ({e.msg})")
    if not isinstance(item, dict):
        raise ValueError(f'not a JSON object ({{"id": …, "q": …}}) but {type(item).__name__}')
    if not isinstance(item.get("q"), str):
        raise ValueError('no "q" string')
    return item


def rows(results) -> list[dict]:
    index = get_index()
    return [{"index_no": data.get("index_no", ""), "title": data.get("title", ""),
             "score": round(hit.score, 6)}
            for hit in results.hits if (data := index.to_dict(hit.object))]
