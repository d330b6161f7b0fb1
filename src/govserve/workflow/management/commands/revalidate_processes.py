"""Check the stored process definitions against today's rules and withdraw the failing ones.

Run once after upgrading (migration workflow 0002 does it) and whenever the rules tighten:
a version with a script task, a condition outside the restricted expression language or an
unregistered action is no longer used for new cases. Running cases keep their version.
"""

from django.core.management.base import BaseCommand

from govserve.workflow import services


class Command(BaseCommand):
    help = "按现行规则重新校验已存储的审批流程，停用不合规的版本（正在办理的办件不受影响）"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="只列出不合规的版本，不停用")

    def handle(self, *args, dry_run: bool = False, **options) -> None:
        failures = services.revalidate_definitions(deactivate=not dry_run)
        for definition, problem in failures:
            self.stdout.write(f"{definition.key} v{definition.version}: {problem}")
        verb = "发现" if dry_run else "已停用"
        self.stdout.write(f"{verb} {len(failures)} 个不合规的流程版本")
