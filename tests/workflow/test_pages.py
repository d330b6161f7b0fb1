"""The inbox and task pages, used with the Django client as a reviewer, an approver and a clerk
would: every refusal shows on the page with a 4xx status, never a 500."""

import pytest
from django.urls import reverse
from django.utils import timezone

from govserve.accounts.models import PersonalDataAccess
from govserve.cases.models import CaseState, Extension, SuspensionReason
from govserve.workflow import services
from govserve.workflow.models import Task, TaskState
from tests.cases.worlds import staff
from tests.workflow.worlds import accept, apply_bundle, apply_single, on_commit, open_tasks

pytestmark = pytest.mark.django_db


def as_user(client, user):
    client.force_login(user)
    return client


def task_url(task, name="task", **kwargs):
    return reverse(f"workflow:{name}", kwargs={"pk": task.pk, **kwargs})


@pytest.fixture
def review(world):
    case = accept(world, apply_single(world))
    return open_tasks(case)[0]


def test_the_inbox_lists_the_departments_tasks(client, world, review):
    page = as_user(client, world.market_reviewer).get(reverse("workflow:inbox"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "待办任务" in text and review.case.number in text and "食品经营许可" in text
    assert task_url(review) in text


def test_another_department_and_a_supervisor_see_an_empty_inbox(client, world, review):
    for user in (world.health_reviewer, staff("gac-supervisor", "supervisor", world.county)):
        page = as_user(client, user).get(reverse("workflow:inbox"))
        assert page.status_code == 200
        assert review.case.number not in page.content.decode()
        assert "没有待办任务" in page.content.decode()


def test_the_inbox_needs_a_staff_login(client, world, review):
    assert client.get(reverse("workflow:inbox")).status_code == 302
    page = as_user(client, world.applicant).get(reverse("workflow:inbox"))
    assert page.status_code == 403


def test_the_task_page_shows_the_case_materials_and_forms(client, world, review):
    page = as_user(client, world.market_reviewer).get(task_url(review))
    text = page.content.decode()
    assert page.status_code == 200
    for words in ("审查：食品经营许可", "王小明", "申请人身份证明", "经营场所平面图", "受理通知书"):
        assert words in text
    for words in (
        "认领任务",
        "同意（准予）",
        "不同意（不予）",
        "退回",
        "暂停计时",
        "申请延长审批期限",
    ):
        assert words in text
    material = review.case.materials.get(name="经营场所平面图")
    link = reverse("cases:material", args=[review.case.pk, material.pk])
    assert link in text  # one download view for every staff page: it checks and logs access
    download = client.get(link)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert PersonalDataAccess.objects.filter(subject=review.case.applicant).exists()


def test_a_reviewer_of_another_department_gets_not_found(client, world, review):
    as_user(client, world.health_reviewer)
    assert client.get(task_url(review)).status_code == 404
    material = review.case.materials.first()
    link = reverse("cases:material", args=[review.case.pk, material.pk])
    assert client.get(link).status_code == 404
    post = client.post(task_url(review, "complete"), {"outcome": "approve"})
    assert post.status_code == 404
    assert Task.objects.get(pk=review.pk).state == TaskState.OPEN


def test_claim_and_approve_from_the_page(client, world, review):
    as_user(client, world.market_reviewer)
    claimed = client.post(task_url(review, "claim"), follow=True)
    assert "已认领" in claimed.content.decode() and "释放任务" in claimed.content.decode()
    with on_commit():
        done = client.post(task_url(review, "complete"), {"outcome": "approve", "reasons": "符合"})
    assert done.status_code == 302 and done["Location"] == reverse("workflow:inbox")
    assert Task.objects.get(pk=review.pk).outcome == "approve"
    inbox = client.get(reverse("workflow:inbox")).content.decode()
    assert "已办理“审查”（同意（准予））" in inbox
    decide = open_tasks(review.case)[0]
    assert decide.label == "决定"


def test_a_denial_without_reasons_is_shown_on_the_form(client, world, review):
    page = as_user(client, world.market_reviewer).post(
        task_url(review, "complete"), {"outcome": "deny", "reasons": ""}
    )
    assert page.status_code == 400
    assert "不同意（不予）和退回须写明理由" in page.content.decode()
    assert Task.objects.get(pk=review.pk).state == TaskState.OPEN


def test_no_outcome_chosen_is_shown_on_the_form(client, world, review):
    page = as_user(client, world.market_reviewer).post(task_url(review, "complete"), {})
    assert page.status_code == 400 and "该字段是必填项" in page.content.decode()


def test_the_second_reviewer_is_told_the_task_was_done(client, world, review):
    second = staff("market-reviewer-2", "reviewer", world.county, world.market)
    with on_commit():
        services.complete_task(review, world.market_reviewer, outcome="approve")
    page = as_user(client, second).post(task_url(review, "complete"), {"outcome": "approve"})
    assert page.status_code == 409
    assert "任务已由他人处理" in page.content.decode()


def test_a_supervisor_reads_the_task_but_gets_no_forms(client, world, review):
    supervisor = staff("gac-supervisor", "supervisor", world.county)
    page = as_user(client, supervisor).get(task_url(review))
    text = page.content.decode()
    assert page.status_code == 200 and "您的岗位不能办理该任务，只能查看" in text
    assert "认领任务" not in text
    refused = client.post(task_url(review, "claim"))
    assert refused.status_code == 403 and "您无权办理该任务" in refused.content.decode()


def test_an_on_site_inspection_stops_the_clock_and_resuming_restarts_it(client, world, review):
    as_user(client, world.market_reviewer)
    missing = client.post(task_url(review, "suspend"), {"reason": "", "explanation": ""})
    assert missing.status_code == 400
    assert "该字段是必填项" in missing.content.decode()
    end = timezone.localdate() + timezone.timedelta(days=10)
    stopped = client.post(
        task_url(review, "suspend"),
        {
            "reason": SuspensionReason.INSPECTION,
            "explanation": "现场核查经营场所",
            "expected_end": end.isoformat(),
        },
        follow=True,
    )
    text = stopped.content.decode()
    assert "已暂停计时" in text and "暂停计时中：现场检查" in text
    review.case.refresh_from_db()
    assert review.case.clock_stopped
    assert review.case.documents.filter(kind="suspension").exists()
    resumed = client.post(task_url(review, "resume"), follow=True)
    assert "已恢复计时" in resumed.content.decode()
    review.case.refresh_from_db()
    assert not review.case.clock_stopped


def test_an_extension_is_asked_once_and_approved_by_the_head(client, world, review):
    as_user(client, world.market_reviewer)
    asked = client.post(
        task_url(review, "extension"), {"days": "5", "reasons": "需组织专家论证"}, follow=True
    )
    assert "延期申请已提交" in asked.content.decode()
    again = client.post(task_url(review, "extension"), {"days": "3", "reasons": "再次"})
    assert again.status_code == 409 and "审批期限只能延长一次" in again.content.decode()
    extension = review.case.extensions.get()
    page = as_user(client, world.market_approver).get(task_url(review))
    assert "待批准的延期申请" in page.content.decode() and "需组织专家论证" in page.content.decode()
    approved = client.post(
        task_url(review, "extension-decide", extension_pk=extension.pk),
        {"decision": "approve"},
        follow=True,
    )
    assert "已批准延期" in approved.content.decode()
    extension.refresh_from_db()
    assert extension.state == Extension.State.APPROVED
    review.refresh_from_db()
    review.case.refresh_from_db()
    assert review.due == review.case.promised_due and review.case.extension_days == 5


def test_a_reviewer_cannot_approve_an_extension(client, world, review):
    from govserve.cases import services as case_services

    extension = case_services.request_extension(
        review.case, world.market_reviewer, days=3, reasons="需检测"
    )
    page = as_user(client, world.market_reviewer).post(
        task_url(review, "extension-decide", extension_pk=extension.pk), {"decision": "approve"}
    )
    assert page.status_code == 403 and "延期须经本部门审批负责人批准" in page.content.decode()


def test_a_bundle_task_page_shows_every_departments_review(client, world):
    case = accept(world, apply_bundle(world))
    market = open_tasks(case, department=world.market)[0]
    with on_commit():
        services.complete_task(market, world.market_reviewer, outcome="approve")
    health = open_tasks(case, department=world.health)[0]
    page = as_user(client, world.health_reviewer).get(task_url(health))
    text = page.content.decode()
    assert "各部门审查" in text and "公众聚集场所投入使用、营业前消防安全检查" in text
    assert "准予" in text and "审查中" in text
    # The health reviewer may read the market task (same bundle) but not act on it.
    assert client.get(task_url(market)).status_code == 200
    refused = client.post(task_url(market, "claim"))
    assert refused.status_code == 403 and "您无权办理该任务" in refused.content.decode()
    case.refresh_from_db()
    assert case.state == CaseState.IN_REVIEW
