"""gongkai guides missing: the agencies without a 政府信息公开指南 (条例 art. 12)."""

from django.core.management.base import BaseCommand, CommandError

from gongkai.guides.models import agencies_without_guide


class Command(BaseCommand):
    help = "公开指南：missing 列出没有政府信息公开指南的机构（有则退出状态为 1）。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True, title="子命令")
        text = "列出没有政府信息公开指南的机构：机构ID、机构代码、全称，以制表符分隔"
        sub.add_parser("missing", help=text, description=text)

    def handle(self, *args, subcommand, **options):
        missing = list(agencies_without_guide().values_list("pk", "code", "name"))
        for pk, code, name in missing:
            self.stdout.write(f"{pk}\t{code or '-'}\t{name}")
        if missing:
            # For cron and monitoring: a non-zero status means some agency still lacks one.
            raise CommandError(f"{len(missing)} 个机构没有政府信息公开指南", returncode=1)
        self.stdout.write("每个机构都有政府信息公开指南。")
