"""`govserve verify_archive`: check the whole electronic archive chain (电子档案链校验).

Exit 0 and "档案链完整：N 条" when every entry links to the one before and hashes to what it
stores; exit 1 naming the first entry that does not (sequence, title, what does not match).
`--content` also re-reads every archived file (and licence event) and compares its SHA-256.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from govserve.audit.archive import check_chain


class Command(BaseCommand):
    help = _("校验电子档案哈希链，指出第一条不一致的条目")

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--content",
            action="store_true",
            help=_("同时核对每个归档文件的 SHA-256（读取全部文件，较慢）"),
        )

    def handle(self, *args, **options) -> None:
        result = check_chain(check_content=options["content"])
        if result.ok:
            self.stdout.write(_("档案链完整：%(count)d 条") % {"count": result.count})
            return
        entry = result.entry
        assert entry is not None  # not ok: the first entry that does not match
        raise CommandError(
            _("档案链不完整：第 %(sequence)d 条“%(title)s”：%(problem)s")
            % {"sequence": entry.sequence, "title": entry.title, "problem": result.problem},
            returncode=1,
        )
