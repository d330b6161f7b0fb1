"""Start the process of every case in review that has none (cases accepted before the workflow
app was installed, or whose start failed and was logged)."""

from django.core.management.base import BaseCommand

from govserve.cases.models import Case, CaseState
from govserve.workflow import services


class Command(BaseCommand):
    help = "为审查中但尚未启动审批流程的办件启动流程"

    def handle(self, *args, **options) -> None:
        started = 0
        for case in Case.objects.filter(state=CaseState.IN_REVIEW, process__isnull=True).iterator():
            if services.start_process(case) is not None:
                started += 1
        self.stdout.write(f"已启动 {started} 个办件的审批流程")
