import json

from django.core.management.base import BaseCommand, CommandError

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
                                          "results": rows(results)}, ensure_ascii=False))
            return
        self.stdout.write(f"{results.total}{'' if results.exact else '+'} 条")
        for n, row in enumerate(rows(results), 1):
            self.stdout.write(f"{n:>3}  {row['score']:>9.4f}  {row['index_no'] or '-':<32} {row['title']}")

    def run_file(self, path, limit):
        try:
            lines = open(path, encoding="utf-8")
        except OSError as e:
            raise CommandError(f"{path}: {e.strerror}")
        with lines:
            for number, line in enumerate(lines, 1):
                if not line.strip():
                    continue
                try:
                    item = json.loads(line)
                except json.JSONDecodeError as e:
                    raise CommandError(f"{path}:{number}: not JSON ({e.msg})")
                results = search(str(item.get("q", "")), per_page=limit, facets=False)
                self.stdout.write(json.dumps({"id": item.get("id"), "results": rows(results)},
                                             ensure_ascii=False))


def rows(results) -> list[dict]:
    return [{"index_no": hit.object.index_no or "", "title": hit.object.title,
             "score": round(hit.score, 6)} for hit in results.hits]
