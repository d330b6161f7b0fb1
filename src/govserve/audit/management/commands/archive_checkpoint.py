"""`govserve archive_checkpoint`: sign the archive chain's length and head hash (档案链校验点).

Appends one signed line to ``GOVSERVE["ARCHIVE_CHECKPOINT_DIR"]/checkpoints.jsonl`` and shows it
on the public page /archive/checkpoints/ (Celery beat does the same every hour). Exit 1, signing
nothing, when the entries appended since the last checkpoint do not match it.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from govserve.audit import checkpoints
from govserve.core.errors import Refused


class Command(BaseCommand):
    help = _("为电子档案链生成一个 SM2 签名的校验点（条目数、链头哈希、时间），写入校验点文件")

    def handle(self, *args, **options) -> None:
        try:
            checkpoint = checkpoints.write_checkpoint()
        except Refused as exc:
            raise CommandError(exc.message, returncode=1) from exc
        self.stdout.write(
            _("已生成校验点：%(checkpoint)s，写入 %(path)s")
            % {"checkpoint": checkpoint.describe(), "path": checkpoints.checkpoint_file()}
        )
        self.stdout.write(checkpoint.line())
