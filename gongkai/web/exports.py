"""/exports/: the nightly dumps of every public document (``gongkai export --dump``), listed
and downloadable. Only files the dump writer names (``export.DUMP_NAME``) are ever served,
and a dump is removed as soon as a document it may hold stops being public
(``importers.export.forget_dumps``)."""

import datetime as dt

from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from gongkai.importers.export import DUMP_NAME, dumps
from gongkai.importers.formats.catalogue_export import EXPORT_FIELDS

FORMAT_LABELS = {"jsonl": "JSON Lines", "csv": "CSV"}


@require_safe
def exports(request):
    files = []
    for path in dumps():
        day, fmt = DUMP_NAME.match(path.name).groups()
        stat = path.stat()
        files.append({"name": path.name, "day": day, "format": FORMAT_LABELS[fmt],
                      "size": stat.st_size,
                      "written": dt.datetime.fromtimestamp(
                          stat.st_mtime, tz=timezone.get_current_timezone())})
    return render(request, "web/exports.html", {"files": files, "fields": EXPORT_FIELDS})


@require_safe
def export_file(request, name: str):
    path = next((p for p in dumps() if p.name == name), None)
    if path is None:
        raise Http404("没有这个导出文件")
    try:
        handle = path.open("rb")
    except FileNotFoundError:  # removed between the listing and the read
        raise Http404("没有这个导出文件")
    # Sent as the gzip file it is (not decoded by the browser on the way).
    return FileResponse(handle, as_attachment=True, filename=name,
                        content_type="application/gzip")
