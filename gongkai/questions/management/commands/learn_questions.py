import time

from django.core.management.base import BaseCommand, CommandError

from gongkai.questions import store
from gongkai.questions.loader import load_file


class Command(BaseCommand):
    help = ("导入已答复的问题（JSON Lines，每行 {\"q\": 问题, \"answers\": [索引号或文件名称, …]}），"
            "再据全部问答更新检索学习模型。重复导入不会重复记录。")

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", metavar="FILE.jsonl", help="问答文件")
        parser.add_argument("--source", help="问题来源（默认为文件名）")
        parser.add_argument("--no-refresh", action="store_true", help="只导入，不更新模型")

    def handle(self, *args, paths, source, no_refresh, **options):
        if not paths and no_refresh:
            raise CommandError("请给出问答文件，或去掉 --no-refresh 以只更新模型。")
        for path in paths:
            try:
                summary = load_file(path, source=source)
            except OSError as error:
                raise CommandError(f"无法读取 {path}：{error.strerror or error}")
            self.stdout.write(f"{path}：{summary.report()}")
        if no_refresh:
            return
        started = time.monotonic()
        progress = (lambda step: self.stderr.write(f"训练中：{step}")) if options["verbosity"] > 1 else None
        model = store.refresh(progress=progress)
        self.stdout.write(
            f"检索学习模型已更新：版本 {model.version[:8]}，问答 {model.n_questions} 个，"
            f"文件 {model.stats.n_docs} 件，用时 {time.monotonic() - started:.1f} 秒。")
