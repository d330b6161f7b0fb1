"""Issue 4 in a real browser (chromium, headless): an applicant applies for a bundle (一件事)
online, a counter clerk registers a walk-in applicant and files the same bundle for them, then
accepts both cases; three reviewers approve the first case in parallel, the joint decision is
taken when the last one has answered, and the applicant sees the decision and downloads it.

Screenshots: /tmp/cases-apply.png, /tmp/cases-receipt.png, /tmp/cases-counter-register.png,
/tmp/cases-counter-apply.png, /tmp/cases-counter-queue.png, /tmp/cases-inbox.png,
/tmp/cases-task.png, /tmp/cases-progress.png, /tmp/cases-progress-phone.png.
"""

import re
from contextlib import ExitStack

import pytest
from playwright.sync_api import expect

from govserve.accounts.models import User
from govserve.cases.models import Case, CaseState, Channel, Outcome
from govserve.workflow.models import Task, TaskState
from tests.accounts.factories import make_resident_id
from tests.cases.worlds import PDF_BYTES, build_world
from tests.e2e.test_accounts_browser import assert_all_labelled, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BUNDLE = "GA-KAIFANDIAN"
# The bundle's merged list: 申请人身份证明 is asked by two items, yet asked once.
TO_UPLOAD = ["申请人身份证明", "经营场所平面图", "卫生检测报告", "消防安全制度"]


@pytest.fixture
def signed_in(chromium, live_server):
    """`signed_in(username)`: a page in its own browser context, logged in (closed at the end)."""
    with ExitStack() as stack:

        def open_as(username: str, *, phone: bool = False):
            size = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
            context = chromium.new_context(locale="zh-CN", viewport=size, is_mobile=phone)
            stack.callback(context.close)
            context.set_default_timeout(15_000)
            page = context.new_page()
            log_in(page, live_server.url, username)
            page.wait_for_url(lambda url: "/accounts/login/" not in url)
            return page

        yield open_as


def scans(tmp_path) -> dict[str, str]:
    """One small real PDF per material, as a scanner would write them."""
    paths = {}
    for n, name in enumerate(TO_UPLOAD):
        path = tmp_path / f"scan-{n}.pdf"
        path.write_bytes(PDF_BYTES)
        paths[name] = str(path)
    return paths


def fill_materials(page, files: dict[str, str]) -> None:
    for name, path in files.items():
        page.get_by_label(re.compile(f"^{name}")).set_input_files(path)


def test_bundle_online_and_at_the_counter_then_parallel_review_and_the_decision(
    live_server, signed_in, tmp_path
):
    w = build_world()
    base = live_server.url
    files = scans(tmp_path)

    # 1. The applicant: catalog bundle page → 在线办理 → one form, one merged material list.
    applicant = signed_in(w.applicant.username)
    applicant.goto(f"{base}/bundles/{BUNDLE}/")
    expect(applicant.get_by_role("heading", level=1)).to_have_text("我要开饭店")
    applicant.get_by_role("link", name="在线办理 / 申请").click()
    applicant.wait_for_url(f"**/cases/apply/bundle/{BUNDLE}/")
    expect(applicant.get_by_role("heading", level=1)).to_have_text("我要开饭店")
    assert_all_labelled(applicant)
    materials = applicant.get_by_role("group", name="申请材料")
    file_labels = [
        t.split("*")[0].strip() for t in materials.locator(".material-slot label").all_inner_texts()
    ]
    assert file_labels.count("申请人身份证明") == 1, file_labels
    assert set(TO_UPLOAD) <= set(file_labels), file_labels
    assert "营业执照" not in file_labels  # issued by a department: not asked for
    expect(materials).to_contain_text("食品经营许可、公共场所卫生许可共用，只需提交一次")
    expect(materials.locator("li", has_text="营业执照")).to_contain_text("政府部门已有，免提交")
    fill_materials(applicant, files)
    applicant.screenshot(path="/tmp/cases-apply.png", full_page=True)
    applicant.get_by_role("button", name="提交", exact=True).click()
    expect(applicant.get_by_role("heading", level=1)).to_have_text("申请已提交")
    number = applicant.locator(".receipt dd.code").first.inner_text().strip()
    online = Case.objects.get(number=number)
    assert online.applicant == w.applicant and online.bundle == w.bundle
    assert online.state == CaseState.SUBMITTED and online.channel != Channel.COUNTER
    assert online.case_items.count() == 3
    # the ID card is stored once although two items ask for it
    assert sorted(online.materials.values_list("name", flat=True)) == sorted(TO_UPLOAD)
    receipt = applicant.locator(".receipt")
    expect(receipt).to_contain_text("待受理")
    for name in TO_UPLOAD:
        expect(receipt).to_contain_text(name)
    applicant.screenshot(path="/tmp/cases-receipt.png", full_page=True)

    # 2. The counter: a walk-in with no account is found by ID number, registered, served.
    clerk = signed_in("clerk")
    clerk.goto(f"{base}/counter/")
    expect(clerk.get_by_role("heading", level=1)).to_have_text("综合窗口")
    assert_all_labelled(clerk)
    walk_in_id = make_resident_id(77, birth="19680415")
    clerk.get_by_label(re.compile("^申请人身份证号码")).fill(walk_in_id)
    clerk.get_by_role("button", name="查找", exact=True).click()
    expect(clerk.locator(".messages")).to_contain_text("该身份证号码尚未注册")
    expect(clerk.get_by_role("heading", name="登记来办群众")).to_be_visible()
    assert_all_labelled(clerk)
    register = clerk.locator("form", has=clerk.get_by_role("button", name="登记", exact=True))
    expect(register.get_by_label(re.compile("^身份证号码"))).to_have_value(walk_in_id)
    register.get_by_label(re.compile("^姓名")).fill("李大爷")
    register.get_by_label(re.compile("^手机号码")).fill("13700000077")
    clerk.screenshot(path="/tmp/cases-counter-register.png", full_page=True)
    register.get_by_role("button", name="登记", exact=True).click()
    expect(clerk.locator(".messages")).to_contain_text("已为 李大爷 登记账户")
    person = User.objects.get(id_number=walk_in_id)
    present = clerk.locator("section", has=clerk.get_by_role("heading", name="在场申请人"))
    expect(present).to_contain_text("李大爷")
    expect(present).not_to_contain_text(walk_in_id)  # masked
    assert_all_labelled(clerk)
    clerk.locator("li", has_text="我要开饭店").get_by_role("link", name="代为申请").click()
    clerk.wait_for_url(f"**/counter/apply/bundle/{BUNDLE}/")
    expect(clerk.locator(".callout")).to_contain_text("为在场申请人 李大爷 代为填报")
    assert_all_labelled(clerk)
    fill_materials(clerk, files)  # scanned at the window
    clerk.get_by_label("窗口领取").check()
    clerk.screenshot(path="/tmp/cases-counter-apply.png", full_page=True)
    clerk.get_by_role("button", name="提交", exact=True).click()
    expect(clerk.get_by_role("heading", level=1)).to_have_text("申请已提交")
    walk_in_number = clerk.locator(".receipt dd.code").first.inner_text().strip()
    at_counter = Case.objects.get(number=walk_in_number)
    assert at_counter.applicant == person and at_counter.filed_by == w.clerk
    assert at_counter.channel == Channel.COUNTER and at_counter.visits_count == 1

    # … and accepts both from the acceptance queue (受理).
    for case_number in (number, walk_in_number):
        clerk.goto(f"{base}/counter/")
        queue = clerk.locator("table.acceptance-queue tbody tr")
        expect(queue.filter(has_text=case_number)).to_have_count(1)
        if case_number == number:
            expect(queue).to_have_count(2)
            clerk.screenshot(path="/tmp/cases-counter-queue.png", full_page=True)
        queue.filter(has_text=case_number).get_by_role("link", name=case_number).click()
        clerk.get_by_role("button", name="受理", exact=True).click()
        expect(clerk.locator(".messages")).to_contain_text("已受理")
        expect(clerk.locator("header.page-head .badge")).to_have_text("审查中")
    clerk.goto(f"{base}/counter/")
    expect(clerk.get_by_text("没有待受理的办件。")).to_be_visible()
    online.refresh_from_db()
    assert online.state == CaseState.IN_REVIEW
    # parallel: the three departments' review tasks are open at the same time
    tasks = Task.objects.filter(case=online)
    assert tasks.count() == 3
    assert {t.state for t in tasks} == {TaskState.OPEN}
    assert {t.department_id for t in tasks} == {w.market.pk, w.health.pk, w.fire.pk}

    # 3. Each reviewer approves the first case from their inbox; the decision waits for all.
    reviewers = ["market-reviewer", "health-reviewer", "fire-reviewer"]
    for n, username in enumerate(reviewers, start=1):
        reviewer = signed_in(username)
        reviewer.goto(f"{base}/workflow/inbox/")
        rows = reviewer.locator("table.inbox tbody tr")
        expect(rows).to_have_count(2)  # one task per case, for this reviewer's department
        row = rows.filter(has_text=number)
        expect(row).to_have_count(1)
        expect(row).to_contain_text("部门审查")
        if n == 1:
            reviewer.screenshot(path="/tmp/cases-inbox.png", full_page=True)
        row.get_by_role("link", name="我要开饭店").click()
        expect(reviewer.get_by_role("heading", level=1)).to_contain_text("部门审查")
        expect(reviewer.locator("p.meta .code")).to_have_text(number)
        assert_all_labelled(reviewer)
        # the other departments' tasks are open beside this one (parallel branches)
        steps = reviewer.locator("section", has=reviewer.get_by_role("heading", name="办理过程"))
        steps = steps.locator("table tbody tr")
        expect(steps).to_have_count(3)
        expect(steps.filter(has_text="待认领")).to_have_count(4 - n)
        expect(steps.filter(has_text="已完成：同意（准予）")).to_have_count(n - 1)
        reviewer.get_by_role("button", name="认领任务").click()
        expect(reviewer.locator(".messages")).to_contain_text("已认领")
        reviewer.get_by_label("同意（准予）").check()
        reviewer.get_by_label(re.compile("^意见或理由")).fill("材料齐全，符合条件。")
        if n == 1:
            reviewer.screenshot(path="/tmp/cases-task.png", full_page=True)
        reviewer.get_by_role("button", name="提交", exact=True).click()
        reviewer.wait_for_url("**/workflow/inbox/")
        expect(reviewer.locator(".messages")).to_contain_text(number)
        expect(reviewer.locator("table.inbox tbody tr")).to_have_count(1)  # the walk-in's
        online.refresh_from_db()
        if n < len(reviewers):
            assert online.state == CaseState.IN_REVIEW and not online.outcome, n
            assert not online.documents.filter(kind__in=["approval", "denial"]).exists()
            # … and the applicant sees it waiting
            applicant.goto(f"{base}/cases/{online.pk}/")
            expect(applicant.locator("header.page-head .badge")).to_have_text("审查中")
            expect(applicant.locator("header.page-head")).not_to_contain_text("办理结果")
        reviewer.context.close()

    # after the third approval the joint decision was taken (and delivered electronically)
    online.refresh_from_db()
    assert online.outcome == Outcome.APPROVED
    assert online.state == CaseState.CLOSED
    assert {ci.outcome for ci in online.case_items.all()} == {Outcome.APPROVED}
    at_counter.refresh_from_db()
    assert at_counter.state == CaseState.IN_REVIEW and not at_counter.outcome

    # 4. The applicant comes back: the decision on the progress page, the document as a PDF.
    applicant.goto(f"{base}/cases/")
    mine = applicant.locator("table.data tbody tr", has_text=number)
    expect(mine.locator(".badge")).to_have_text("已办结")
    mine.get_by_role("link", name="我要开饭店").click()
    applicant.wait_for_url(f"**/cases/{online.pk}/")
    head = applicant.locator("header.page-head")
    expect(head).to_contain_text("办理结果：准予")
    expect(head.locator(".badge")).to_have_text("已办结")
    timeline = applicant.locator("ol.timeline")
    expect(timeline).to_contain_text("作出决定：准予")
    expect(timeline).to_contain_text("联合审批")
    for name in ("market-reviewer", "health-reviewer", "fire-reviewer", "clerk"):
        expect(timeline).not_to_contain_text(name)  # the applicant sees roles, never names
    docs = applicant.locator("section", has=applicant.get_by_role("heading", name="文书"))
    decision = docs.locator("li", has_text="准予许可决定书")
    expect(decision).to_have_count(1)
    href = decision.get_by_role("link", name="下载 PDF").get_attribute("href")
    response = applicant.request.get(base + href)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    applicant.screenshot(path="/tmp/cases-progress.png", full_page=True)

    phone = signed_in(w.applicant.username, phone=True)
    phone.goto(f"{base}/cases/{online.pk}/")
    expect(phone.locator("ol.timeline")).to_contain_text("作出决定：准予")
    phone.screenshot(path="/tmp/cases-progress-phone.png", full_page=True)
