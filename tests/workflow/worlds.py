"""Cases in review, as the counter leaves them: applied for online, accepted by the clerk, their
process started by the `case_accepted` signal (run here as on commit). The `world` they use is
the cases world (tests/cases/worlds.py; fixture in conftest.py beside this module)."""

from django.test import TestCase

from govserve.cases import services as case_services
from govserve.cases.models import Case
from govserve.workflow.models import Task, TaskState
from tests.cases.worlds import pdf

# The materials every item of the world's bundle asks for (merged: one ID card for all).
BUNDLE_MATERIALS = [
    ("食品经营许可", "申请人身份证明"),
    ("食品经营许可", "经营场所平面图"),
    ("公共场所卫生许可", "卫生检测报告"),
    ("公众聚集场所投入使用、营业前消防安全检查", "消防安全制度"),
]


def on_commit():
    """Run on-commit callbacks (the cases signals) inside a test's transaction."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def apply_single(w, **kwargs) -> Case:
    kwargs.setdefault("uploads", [(w.id_card.pk, pdf()), (w.floor_plan.pk, pdf("plan.pdf"))])
    with on_commit():
        case, _created = case_services.apply(
            w.applicant, idempotency_key=None, item=w.item, **kwargs
        )
    return case


def apply_bundle(w, **kwargs) -> Case:
    items = {it.name: it for it in (w.item, w.health_item, w.fire_item)}
    uploads = [
        (items[item].materials.get(name=name).pk, pdf(f"{n}.pdf"))
        for n, (item, name) in enumerate(BUNDLE_MATERIALS)
    ]
    with on_commit():
        case, _created = case_services.apply(
            w.applicant,
            idempotency_key=None,
            bundle=w.bundle,
            uploads=uploads,
            **kwargs,
        )
    return case


def accept(w, case: Case) -> Case:
    with on_commit():
        case_services.accept(case, w.clerk)
    case.refresh_from_db()
    return case


def open_tasks(case: Case, **filters):
    return list(
        Task.objects.filter(
            case=case, state__in=[TaskState.OPEN, TaskState.CLAIMED], **filters
        ).order_by("pk")
    )
