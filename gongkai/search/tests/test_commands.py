import json
import os
import tempfile
from io import StringIO

from django.core.management import call_command
from django.core.management.base import CommandError

from gongkai.search.backends import get_search_backend
from gongkai.search.registry import get_index

from .contract import SearchTestCase


class CommandsTestCase(SearchTestCase):
    def call(self, *args, **kwargs) -> str:
        out = StringIO()
        call_command(*args, stdout=out, stderr=StringIO(), **kwargs)
        return out.getvalue()

    def test_it_reindexes_everything_public(self):
        assert self.call("reindex").strip() == "default: 6 documents indexed"
        data = json.loads(self.call("search", "民生微实事", "--json", limit=1))
        assert data["total"] == 2
        assert [r["title"] for r in data["results"]] == ["翠竹街道2022年民生微实事项目公示"]

    def test_it_sweeps_out_what_is_no_longer_public(self):
        backend = get_search_backend()
        backend.index([get_index().to_record(self.on_request)])  # as if a signal was missed
        assert self.on_request.pk in backend.ids()
        assert self.call("reindex").strip() == "default: 6 documents indexed, 1 removed"
        assert self.on_request.pk not in backend.ids()
        assert len(backend.ids()) == 6

    def test_it_can_clear_and_rebuild_in_one_transaction(self):
        get_search_backend().index([get_index().to_record(self.on_request)])
        assert self.call("reindex", "--clear").strip() == "default: 6 documents indexed"
        assert self.on_request.pk not in get_search_backend().ids()

    def test_it_prints_a_table(self):
        lines = self.call("search", "农业").splitlines()
        assert lines[0] == "1 条"
        assert lines[1].endswith("-                                关于支持乡村振兴金融服务的通知")

    def test_it_runs_a_file_of_queries(self):
        path = self.tmp_file('{"id": 1, "q": "民生微实事"}\n\n{"id": "b", "q": "\\"unbalanced"}\n')
        lines = [json.loads(line) for line in self.call("search", queries=path, limit=5).splitlines()]
        assert [line["id"] for line in lines] == [1, "b"]
        assert [r["index_no"] for r in lines[0]["results"]] == [
            "11440303007546460H/2022-00041", "11440303007546460H/2022-00050"]
        assert set(lines[0]["results"][0]) == {"index_no", "title", "score"}
        assert lines[1]["results"] == []

    def test_it_reports_each_bad_line_and_runs_the_others(self):
        path = self.tmp_file("\n".join([
            '{"id": 1, "q": "农业"}',
            '{"id": 2, "q": ',
            '["q", "农业"]',
            '{"id": 4}',
            '{"id": 5, "q": 5}',
            '\udcff',  # an undecodable byte
            '',
            '{"id": 8, "q": "民生微实事"}',
        ]).encode("utf-8", "surrogateescape"))
        out, err = StringIO(), StringIO()
        with self.assertRaises(CommandError) as raised:
            call_command("search", queries=path, stdout=out, stderr=err)
        assert raised.exception.returncode == 1
        assert str(raised.exception) == f"{path}: 5 bad lines skipped"
        assert [json.loads(line)["id"] for line in out.getvalue().splitlines()] == [1, 8]
        assert err.getvalue().splitlines() == [
            f"{path}:2: not JSON (Expecting value)",
            f'{path}:3: not a JSON object ({{"id": …, "q": …}}) but list',
            f'{path}:4: no "q" string',
            f'{path}:5: no "q" string',
            f"{path}:6: not UTF-8",
        ]

    def test_a_file_of_good_lines_exits_zero(self):
        path = self.tmp_file('\ufeff{"id": 1, "q": "农业"}\n'.encode())
        lines = self.call("search", queries=path).splitlines()
        assert [json.loads(line)["id"] for line in lines] == [1]

    def tmp_file(self, text: str | bytes) -> str:
        with tempfile.NamedTemporaryFile("wb", suffix=".jsonl", delete=False) as f:
            f.write(text if isinstance(text, bytes) else text.encode("utf-8"))
        self.addCleanup(os.unlink, f.name)
        return f.name


class CommandLineTestCase(SearchTestCase):
    def test_reindex_runs_as_the_command_line_runs_it_with_system_checks(self):
        """`gongkai reindex` runs Django's system checks first (call_command skips them), so a
        method of the command named `check` would break it on the command line."""
        out = StringIO()
        call_command("reindex", "--check", skip_checks=False, stdout=out, stderr=StringIO())
        assert "0 missing from the index" in out.getvalue()
