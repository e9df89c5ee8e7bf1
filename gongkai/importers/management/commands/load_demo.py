import json
from pathlib import Path

from django.core.management.base import BaseCommand

import gongkai.demo
from gongkai.catalog.models import Agency
from gongkai.guides.models import Guide
from gongkai.importers.import_files import import_paths
from gongkai.importers.report import print_summary

DEMO_DATA = Path(gongkai.demo.__file__).resolve().parent / "data"


class Command(BaseCommand):
    help = "载入演示数据（gongkai/demo/data/）；可重复运行，已有的信息会更新而不重复。"

    def handle(self, *args, **options):
        for entry in json.loads((DEMO_DATA / "agencies.json").read_text("utf-8")):
            parent = Agency.objects.get(name=entry["parent"]) if entry.get("parent") else None
            Agency.objects.update_or_create(name=entry["name"], defaults={
                "short_name": entry.get("short_name", ""), "code": entry.get("code", ""),
                "parent": parent})
        for fields in json.loads((DEMO_DATA / "guides.json").read_text("utf-8")):
            agency = Agency.objects.get(name=fields.pop("agency"))
            Guide.objects.update_or_create(agency=agency, defaults=fields)
        summary = import_paths([DEMO_DATA], progress=options["verbosity"] > 1)
        print_summary(summary, self.stdout)
