from django.utils import timezone

from gongkai.documents import workflow
from gongkai.documents.models import Document, Status
from gongkai.test import BaseTestCase


class PublishedTestCase(BaseTestCase):
    def test_it_lists_only_active_disclosures_that_are_published(self):
        titles = set(Document.objects.published().values_list("title", flat=True))
        assert titles == {self.summary.title, self.notice.title}

    def test_it_hides_scheduled_documents_until_their_time(self):
        self.draft.status = Status.PUBLISHED
        self.draft.published_at = timezone.now() + timezone.timedelta(hours=1)
        self.draft.save()
        assert not Document.objects.published().filter(pk=self.draft.pk).exists()

    def test_it_hides_withdrawn_documents_at_once(self):
        workflow.withdraw(self.summary)
        assert not Document.objects.published().filter(pk=self.summary.pk).exists()

    def test_it_sanitises_the_body_on_save(self):
        self.draft.body = '<p onclick="x()">正文<script>alert(1)</script></p><iframe src="//e"></iframe>'
        self.draft.save()
        self.draft.refresh_from_db()
        assert self.draft.body == "<p>正文</p>"

    def test_it_normalises_the_doc_no_and_finds_it_however_typed(self):
        assert self.notice.doc_no == "国办函〔2018〕71号"
        assert list(Document.objects.with_doc_no("国办函（2018）71号")) == [self.notice]

    def test_it_shows_the_time_only_where_known(self):
        assert self.notice.published_display == "2018-11-09 15:30"
        assert self.summary.published_display == "2022-09-08"
