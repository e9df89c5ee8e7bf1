"""``gongkai extract-attachments [ID …] [--retry]``: extract the text of attachments still
waiting (after a restart, with GONGKAI_ATTACHMENT_EXTRACT=off from cron), or of those given;
``--retry`` also tries again those that failed or were too large (after raising a limit).
Each one is read in a child process with the memory and time limits of the settings."""

from collections import Counter

from django.core.management.base import BaseCommand

from gongkai.documents.attachments import extract_pending
from gongkai.documents.models import Attachment, TextStatus


class Command(BaseCommand):
    help = "Extract the text of attachments waiting for it (or of the attachments given)."

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int, help="attachment ids (default: all waiting)")
        parser.add_argument("--retry", action="store_true",
                            help="also try again attachments whose extraction failed or was too large")

    def handle(self, *args, ids=(), retry=False, **options):
        if retry:
            again = Attachment.objects.filter(
                text_status__in=[TextStatus.FAILED, TextStatus.TOO_LARGE])
            if ids:
                again = again.filter(pk__in=ids)
            again.update(text_status=TextStatus.PENDING)
        done = extract_pending(ids or None)
        counts = Counter(result.status for _, result in done)
        for attachment, result in done:
            if options["verbosity"] > 1 or result.status != TextStatus.EXTRACTED:
                self.stdout.write(f"{attachment.pk} {attachment.name}: "
                                  f"{TextStatus(result.status).label} {result.note}".rstrip())
        summary = "，".join(f"{TextStatus(s).label} {n}" for s, n in sorted(counts.items()))
        self.stdout.write(f"{len(done)} 个附件" + (f"：{summary}" if summary else ""))
