"""Attachments on the public side: the list on a document's page and the download.

A download is answered only for an attachment ``Attachment.objects.public()`` returns (a
shown attachment of a document ``Document.objects.published()`` returns); anything else is a
404, as for a file that never existed. Files live under MEDIA_ROOT, which nothing else
serves. With ``GONGKAI_ATTACHMENT_SENDFILE`` the check stays here and nginx (X-Accel-Redirect)
or Apache (X-Sendfile) sends the bytes (docs/deployment.md).
"""

import mimetypes
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from gongkai.documents.attachments import kind_label
from gongkai.documents.models import Attachment

# The internal nginx location that maps to MEDIA_ROOT (docs/deployment.md).
ACCEL_PREFIX = "/_attachments/"


def listed_attachments(document) -> list[Attachment]:
    """What the public page lists: the published version's attachments (one query)."""
    rows = list(document.attachments.shown().only(
        "pk", "document_id", "name", "kind", "size").order_by("pk"))
    for row in rows:
        row.kind_label = kind_label(row.kind)
    return rows


@require_safe
def attachment_download(request, pk, attachment):
    item = get_object_or_404(Attachment.objects.public().only(
        "pk", "document_id", "name", "file", "size"), pk=attachment, document_id=pk)
    content_type = mimetypes.guess_type(item.name)[0] or "application/octet-stream"
    if settings.ATTACHMENT_SENDFILE:
        response = HttpResponse(content_type=content_type)
        response["Content-Disposition"] = content_disposition_header(True, item.name)
        if settings.ATTACHMENT_SENDFILE == "nginx":
            response["X-Accel-Redirect"] = ACCEL_PREFIX + quote(item.file.name)
        else:
            response["X-Sendfile"] = item.file.path
        return response
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404("附件文件不存在")
    return FileResponse(handle, as_attachment=True, filename=item.name,
                        content_type=content_type)
