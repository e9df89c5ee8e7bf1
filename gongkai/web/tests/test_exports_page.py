"""/exports/: the nightly dumps listed and downloadable; nothing else in the folder is served."""

import gzip
import tempfile
from pathlib import Path

from django.test import override_settings

from gongkai.importers.export import write_dump
from gongkai.test import BaseTestCase


class ExportsPageTestCase(BaseTestCase):
    def setUp(self):
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.data_dir = Path(folder.name)
        settings = override_settings(DATA_DIR=self.data_dir)
        settings.enable()
        self.addCleanup(settings.disable)

    def test_with_no_dump_the_page_says_so(self):
        html = self.client.get("/exports/").content.decode()
        assert "暂无可下载的文件" in html and "数据下载" in html

    def test_the_dumps_are_listed_and_downloaded_as_gzip(self):
        jsonl, _ = write_dump("jsonl")
        csv, _ = write_dump("csv")
        html = self.client.get("/exports/").content.decode()
        for path in (jsonl, csv):
            assert f'href="/exports/{path.name}"' in html
        assert "JSON Lines" in html and "index_no、title" in html
        assert self.client.head(f"/exports/{jsonl.name}").status_code == 200
        response = self.client.get(f"/exports/{jsonl.name}")
        assert response["Content-Type"] == "application/gzip"
        assert f'filename="{jsonl.name}"' in response["Content-Disposition"]
        data = gzip.decompress(b"".join(response.streaming_content)).decode()
        assert self.summary.title in data and self.draft.title not in data

    def test_only_dumps_are_served(self):
        write_dump("jsonl")
        (self.data_dir / "secret_key").write_text("s3cret")
        (self.data_dir / "exports" / "notes.txt").write_text("x")
        for name in ("notes.txt", "..%2Fsecret_key", "gongkai-2020-01-01.jsonl.gz", ".dump-x.tmp"):
            assert self.client.get(f"/exports/{name}").status_code == 404, name
        assert self.client.get("/exports/../secret_key").status_code == 404

    def test_every_page_links_the_downloads(self):
        assert 'href="/exports/">数据下载</a>' in self.client.get("/").content.decode()
