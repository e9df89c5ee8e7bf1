import threading

import pytest
from django.db import connection, connections
from django.test import TransactionTestCase, override_settings

from gongkai.catalog.models import Agency
from gongkai.documents import workflow
from gongkai.documents.models import Document, next_index_no
from gongkai.test import BaseTestCase, aware


class IndexNoTestCase(BaseTestCase):
    def test_it_assigns_the_default_pattern_on_first_publication(self):
        workflow.publish(self.draft, at=aware(2023, 3, 1, 9, 0))
        assert self.draft.index_no == "11440303007546460H/2023-00001"

    def test_it_counts_per_agency_and_year(self):
        first = next_index_no(self.cuizhu, 2023)
        second = next_index_no(self.cuizhu, 2023)
        other_year = next_index_no(self.cuizhu, 2024)
        other_agency = next_index_no(self.gwyb, 2023)
        assert [first, second, other_year, other_agency] == [
            "11440303007546460H/2023-00001", "11440303007546460H/2023-00002",
            "11440303007546460H/2024-00001", "000014349/2023-00001",
        ]

    def test_it_never_reuses_a_number_an_imported_document_holds(self):
        Document.objects.create(index_no="000014349/2023-00001", title="导入", agency=self.gwyb)
        assert next_index_no(self.gwyb, 2023) == "000014349/2023-00002"

    def test_it_never_changes_the_number_afterwards(self):
        workflow.publish(self.draft, at=aware(2023, 3, 1))
        number = self.draft.index_no
        workflow.withdraw(self.draft)
        workflow.publish(self.draft, at=aware(2025, 1, 1))
        assert self.draft.index_no == number

    def test_it_waits_for_an_agency_code(self):
        doc = Document.objects.create(title="无代码机构的文件", agency=self.xinqu)
        workflow.publish(doc)
        assert doc.index_no is None

    @override_settings(INDEX_NO_PATTERN="LH-{agency_code}-{year}-{serial:06d}")
    def test_it_follows_a_configured_pattern(self):
        assert next_index_no(self.cuizhu, 2023) == "LH-11440303007546460H-2023-000001"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency needs PostgreSQL")
class ConcurrentIndexNoTestCase(TransactionTestCase):
    def test_it_never_hands_out_one_number_twice_under_concurrency(self):
        agency = Agency.objects.create(name="并发测试机构", code="11440303007546460H")
        docs = [Document.objects.create(title=f"文件{i}", agency=agency) for i in range(16)]
        barrier = threading.Barrier(len(docs))
        errors = []

        def publish(doc):
            try:
                barrier.wait()
                workflow.publish(doc, at=aware(2023, 5, 1))
            except Exception as e:  # collected so the assertion shows it
                errors.append(e)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=publish, args=(d,)) for d in docs]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        numbers = sorted(Document.objects.values_list("index_no", flat=True))
        assert errors == []
        assert numbers == [f"11440303007546460H/2023-{i:05d}" for i in range(1, 17)]
