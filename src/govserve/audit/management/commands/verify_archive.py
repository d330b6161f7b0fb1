"""`govserve verify_archive`: check the whole electronic archive (电子档案校验).

1. The chain: every entry links to the one before and hashes to what it stores.
2. Every checkpoint (档案链校验点) in the checkpoint file (``--checkpoints FILE``: a copy someone
   wrote down from the public page instead) and in the table: its SM2 signature by the
   platform root (``--trust-root SHA256``: only that certificate), and that entry number
   `length` still has the checkpointed head hash — so deleting the last entries (truncation) or
   rewriting entries with every later hash recomputed is found.
3. ``--content``: every archived file and licence event is re-read and compared with its
   SHA-256, every licence register row with its entry (holder, number, dates …) and with its
   own SM2-signed data (holder, data …), and every licence in the register must be archived.

Exit 0 and "档案链完整：N 条" when all hold; exit 1 naming each check that failed.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from govserve.audit.checkpoints import verify_archive


class Command(BaseCommand):
    help = _("校验电子档案哈希链及其签名校验点，指出不一致的条目和校验点")

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--content",
            action="store_true",
            help=_("同时核对每个归档文件的 SHA-256 和证照登记信息（读取全部文件，较慢）"),
        )
        parser.add_argument(
            "--checkpoints",
            metavar="FILE",
            help=_("用这个校验点文件（如从公开页面下载保存的副本）代替平台的校验点文件"),
        )
        parser.add_argument(
            "--trust-root",
            metavar="SHA256",
            action="append",
            default=[],
            help=_("只承认这个 SM2 根证书（DER 的 SHA-256 指纹）签名的校验点，可重复"),
        )

    def handle(self, *args, **options) -> None:
        report = verify_archive(
            check_content=options["content"],
            checkpoint_path=options["checkpoints"],
            trusted_roots=options["trust_root"],
        )
        problems: list[str] = []
        chain = report.chain
        if chain.ok:
            self.stdout.write(_("档案链完整：%(count)d 条") % {"count": chain.count})
        else:
            entry = chain.entry
            assert entry is not None  # not ok: the first entry that does not match
            problems.append(
                _("档案链不完整：第 %(sequence)d 条“%(title)s”：%(problem)s")
                % {"sequence": entry.sequence, "title": entry.title, "problem": chain.problem}
            )
        checked = report.checkpoints
        problems += [str(problem) for problem in checked.problems]
        if checked.count == 0 and checked.ok:
            self.stdout.write(
                _("没有校验点（%(path)s）：无法证明末尾条目未被删除、条目未被整体改写")
                % {"path": checked.path}
            )
        elif checked.ok and checked.latest is not None:
            self.stdout.write(
                _("校验点相符：%(count)d 个（%(path)s），最近一个：%(latest)s")
                % {
                    "count": checked.count,
                    "path": checked.path,
                    "latest": checked.latest.describe(),
                }
            )
        problems += [
            _("证照 %(identifier)s（%(holder)s）在登记簿中，但没有归档记录（未经签发写入）")
            % {"identifier": licence.identifier, "holder": licence.holder_name}
            for licence in report.unarchived
        ]
        if not problems:
            return
        heading = _("档案校验未通过（%(count)d 项）：") % {"count": len(problems)}
        raise CommandError("\n".join([heading, *problems]), returncode=1)
