"""Publishing a report: it becomes a catalogue document (genre 年度报告) that goes to review
through the normal workflow — never published directly — and only when every check passes."""

import datetime as dt

from django.db import transaction

from gongkai.catalog.models import Genre
from gongkai.documents import workflow
from gongkai.documents.models import Document, Status

from .build import build, to_json
from .checks import check
from .models import AnnualReport
from .render import to_html

GENRE = "年度报告"


class PublishError(Exception):
    """The report cannot be submitted; the message says why, naming the failing cells."""


@transaction.atomic
def submit(report: AnnualReport, *, user=None, ip=None, government: bool = False) -> Document:
    """Write the report into its catalogue document and send it to review."""
    built = build(report.agency, report.year, government=government)
    failures = check(built)
    if failures:
        raise PublishError("勾稽校验未通过，不能发布：" + "；".join(map(str, failures)))
    doc = report.document or Document(agency=report.agency, status=Status.DRAFT)
    if doc.is_live:
        # The statistics page shows the figures sent to review; a correction of a published
        # report would show before its review. Not supported yet (docs/reports.md).
        raise PublishError("该年度报告已发布，不能再次送审；如需更正，请联系网站管理员。")
    doc.title = built.title
    doc.body = to_html(built)
    doc.genre, _ = Genre.objects.get_or_create(name=GENRE)
    doc.written_on = doc.written_on or dt.date.today()
    doc.abstract = built.figures_sentence[:100]
    try:
        workflow.save_edit(doc, user=user, ip=ip)
        workflow.submit(doc, user=user, ip=ip)
    except workflow.WorkflowError as e:
        raise PublishError(str(e)) from None
    # What the reviewer approves is what the statistics page will show.
    report.document, report.submitted = doc, to_json(built)
    AnnualReport.objects.filter(pk=report.pk).update(document=doc, submitted=report.submitted)
    return doc
