"""Issue 5 in a real browser (chromium, headless): once only (免提交), from apply to verification.

The applicant already holds a valid 食品经营许可证 (issued by approving an earlier case through
the cases services). 公共场所卫生许可 asks for that licence as a material: on the apply page it is
marked as taken from the electronic licence, the applicant uploads only the other materials, the
receipt and the progress page show the licence attached. The clerk accepts at the counter, the
health bureau's reviewer and approver approve from their inboxes; the approval issues a
公共场所卫生许可证. The applicant finds it in 我的证照, opens its QR link (the verification page
says 真实有效, the ID number masked) and uploads the downloaded PDF on /verify/ for the same answer.

Screenshots: /tmp/licences-apply.png, /tmp/licences-receipt.png, /tmp/licences-progress.png,
/tmp/licences-counter.png, /tmp/licences-wallet.png, /tmp/licences-verify-qr.png,
/tmp/licences-verify-upload.png.
"""

import re
from contextlib import ExitStack

import pytest
from playwright.sync_api import expect

from govserve.accounts.masking import mask_id_number
from govserve.cases.models import Case, CaseState, MaterialOrigin, Outcome
from govserve.catalog.models import CommonMaterial, MaterialSource
from govserve.licences import qrlinks
from govserve.licences.models import LicenceStatus, LicenceUse
from tests.cases.worlds import PDF_BYTES, build_world
from tests.catalog.factories import MaterialFactory
from tests.e2e.test_accounts_browser import assert_all_labelled, log_in
from tests.licences.worlds import MINISTRY_USCC, approved_case, make_licence_type

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FOOD = "食品经营许可证"  # licence type A (issued by 食品经营许可) and the material Y asks for
HYGIENE = "公共场所卫生许可证"  # licence type B (issued by 公共场所卫生许可, item Y)
TO_UPLOAD = ["申请人身份证明", "卫生检测报告"]  # Y's other required materials


@pytest.fixture
def signed_in(chromium, live_server):
    """`signed_in(username)`: a page in its own browser context, logged in (closed at the end)."""
    with ExitStack() as stack:

        def open_as(username: str):
            context = chromium.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
            stack.callback(context.close)
            context.set_default_timeout(15_000)
            page = context.new_page()
            log_in(page, live_server.url, username)
            page.wait_for_url(lambda url: "/accounts/login/" not in url)
            return page

        yield open_as


@pytest.fixture
def public_url(settings, live_server):
    """Licence QR codes (printed at issuing) lead to this live server's verification page."""
    settings.GOVSERVE = {**settings.GOVSERVE, "PUBLIC_URL": live_server.url}
    return live_server.url


def approve_task(page, base: str, number: str, title: str) -> None:
    """From the inbox: open the case's task, claim it, approve it."""
    page.goto(f"{base}/workflow/inbox/")
    row = page.locator("table.inbox tbody tr").filter(has_text=number)
    expect(row).to_have_count(1)
    row.get_by_role("link", name=title).click()
    expect(page.locator("p.meta .code")).to_have_text(number)
    # the licence the platform attached is among the case's materials, shown as such
    materials = page.locator("section", has=page.get_by_role("heading", name="申请材料"))
    expect(materials.locator("li", has_text=FOOD)).to_contain_text("电子证照免提交")
    assert_all_labelled(page)
    page.get_by_role("button", name="认领任务").click()
    expect(page.locator(".messages")).to_contain_text("已认领")
    page.get_by_label("同意（准予）").check()
    page.get_by_label(re.compile("^意见或理由")).fill("材料齐全，符合条件。")
    page.get_by_role("button", name="提交", exact=True).click()
    page.wait_for_url("**/workflow/inbox/")
    expect(page.locator(".messages")).to_contain_text(number)


def expect_authentic(page, licence, id_number: str) -> None:
    """The verification page's verdict: 真实有效, this licence, the holder's ID masked."""
    verdict = page.locator("section.verdict")
    expect(verdict.get_by_role("heading", level=1)).to_have_text(re.compile("真实有效"))
    expect(verdict).to_have_attribute("data-outcome", "authentic")
    expect(verdict).to_have_attribute("data-status", LicenceStatus.VALID)
    facts = page.locator("section", has=page.get_by_role("heading", name="证照信息"))
    expect(facts).to_contain_text(licence.identifier)
    expect(facts).to_contain_text(licence.number)
    expect(facts).to_contain_text(licence.licence_type.name)
    expect(facts).to_contain_text(licence.issuer.name)
    expect(facts).to_contain_text(licence.holder_name)
    expect(facts).to_contain_text(mask_id_number(id_number))
    expect(page.locator("body")).not_to_contain_text(id_number)
    checks = page.locator("section", has=page.get_by_role("heading", name="核验项目"))
    expect(checks.locator("li")).not_to_have_count(0)
    expect(checks.locator(".check-bad")).to_have_count(0)


def test_a_held_licence_is_attached_by_itself_and_the_new_licence_verifies(
    live_server, public_url, signed_in, web_page, tmp_path
):
    w = build_world()
    base = live_server.url
    item = w.health_item  # Y: 公共场所卫生许可, 区卫健局

    # -- the catalog: licence types and the material whose source is licence type A --------------
    food_type = make_licence_type(w)  # A, issued by 食品经营许可 (item X)
    hygiene_type = make_licence_type(
        w,
        name=HYGIENE,
        type_code=MINISTRY_USCC + "002",
        ministry_name="国家卫生健康委员会",
        validity_months=48,
        fields=[],
        layout={"title": HYGIENE, "orientation": "portrait", "number_prefix": "WS"},
    )
    hygiene_type.items.set([item])
    common = CommonMaterial.objects.create(
        name=FOOD, source=MaterialSource.GOVERNMENT_ISSUED, licence_type_code=food_type.type_code
    )
    MaterialFactory(
        item=item, name=FOOD, common=common, source=MaterialSource.GOVERNMENT_ISSUED, order=3
    )

    # -- the applicant's licence A: issued by approving a case for X through the services --------
    earlier = approved_case(w)
    held = earlier.licences.get()
    assert held.licence_type == food_type and held.holder_user == w.applicant
    assert held.is_usable()

    # 1. Apply for Y: the licence material is marked as taken from the licence, no upload asked.
    applicant = signed_in(w.applicant.username)
    applicant.goto(f"{base}/items/{item.pk}/")
    applicant.get_by_role("link", name="在线办理 / 申请").click()
    applicant.wait_for_url(f"**/cases/apply/item/{item.pk}/")
    expect(applicant.get_by_role("heading", level=1)).to_have_text(item.name)
    assert_all_labelled(applicant)
    materials = applicant.get_by_role("group", name="申请材料")
    slot = materials.locator(".material-slot", has_text=FOOD)
    expect(slot).to_have_count(1)
    note = slot.locator(".licence-note")
    expect(note).to_contain_text("免提交")
    expect(note).to_contain_text("已自动获取电子证照")
    expect(note).to_contain_text("无需提交")
    expect(slot.locator(".badge-red")).to_have_count(0)
    # its file input is optional (no required mark): nothing to upload for it
    expect(slot.locator("label .required")).to_have_count(0)
    for name in TO_UPLOAD:
        own = materials.locator(".material-slot", has_text=name)
        expect(own.locator("label .required")).to_have_count(1)
        expect(own.locator(".licence-note")).to_have_count(0)
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(PDF_BYTES)
        applicant.get_by_label(re.compile(f"^{name}")).set_input_files(str(path))
    applicant.screenshot(path="/tmp/licences-apply.png", full_page=True)
    applicant.get_by_role("button", name="提交", exact=True).click()

    # 2. The receipt and the progress page show the licence attached.
    expect(applicant.get_by_role("heading", level=1)).to_have_text("申请已提交")
    number = applicant.locator(".receipt dd.code").first.inner_text().strip()
    case = Case.objects.get(number=number)
    assert case.item == item and case.state == CaseState.SUBMITTED
    receipt = applicant.locator(".receipt")
    expect(receipt.locator("li", has_text=FOOD)).to_contain_text("电子证照免提交")
    for name in TO_UPLOAD:
        expect(receipt.locator("li", has_text=name)).to_contain_text("申请人上传")
    applicant.screenshot(path="/tmp/licences-receipt.png", full_page=True)
    attached = case.materials.get(origin=MaterialOrigin.LICENCE)
    assert attached.name == FOOD and attached.reference == held.identifier
    assert case.saved_materials == 1
    use = LicenceUse.objects.get(licence=held)
    assert use.case == case and use.department == w.health

    applicant.get_by_role("link", name="查看办理进度").click()
    applicant.wait_for_url(f"**/cases/{case.pk}/")
    row = applicant.locator("section", has=applicant.get_by_role("heading", name="申请材料"))
    row = row.locator("tbody tr", has=applicant.get_by_role("rowheader", name=FOOD))
    expect(row).to_contain_text("电子证照免提交")
    expect(row).to_contain_text("已自动获取电子证照，无需提交")
    expect(row).to_contain_text(held.identifier)
    href = row.get_by_role("link").get_attribute("href")
    response = applicant.request.get(base + href)
    assert response.status == 200
    with held.pdf.open("rb") as handle:
        assert response.body() == handle.read()  # byte for byte the signed licence
    applicant.screenshot(path="/tmp/licences-progress.png", full_page=True)

    # 3. Staff: the clerk accepts (and sees the attached licence); review and approval.
    clerk = signed_in("clerk")
    clerk.goto(f"{base}/counter/")
    queue = clerk.locator("table.acceptance-queue tbody tr").filter(has_text=number)
    expect(queue).to_have_count(1)
    queue.get_by_role("link", name=number).click()
    staff_row = clerk.locator("section", has=clerk.get_by_role("heading", name="申请材料"))
    staff_row = staff_row.locator("tbody tr", has=clerk.get_by_role("rowheader", name=FOOD))
    expect(staff_row).to_contain_text("已自动获取电子证照，无需提交")
    expect(staff_row).to_contain_text(held.identifier)
    clerk.screenshot(path="/tmp/licences-counter.png", full_page=True)
    clerk.get_by_role("button", name="受理", exact=True).click()
    expect(clerk.locator(".messages")).to_contain_text("已受理")
    approve_task(signed_in("health-reviewer"), base, number, item.name)
    approve_task(signed_in("health-approver"), base, number, item.name)
    case.refresh_from_db()
    assert case.outcome == Outcome.APPROVED and case.state == CaseState.CLOSED
    issued = case.licences.get()
    assert issued.licence_type == hygiene_type and issued.holder_user == w.applicant
    assert issued.issuer == w.health and issued.status == LicenceStatus.VALID

    # 4. 我的证照: both licences; the new one downloads and links to its verification page.
    applicant.goto(f"{base}/licences/")
    expect(applicant.get_by_role("heading", level=1)).to_have_text("我的证照")
    cards = applicant.locator("ul.licence-wallet > li")
    expect(cards).to_have_count(2)
    card = cards.filter(has=applicant.get_by_role("heading", name=HYGIENE))
    expect(card).to_have_count(1)
    expect(card).to_contain_text(issued.number)
    expect(card).to_contain_text(w.health.name)
    expect(card).not_to_contain_text(w.applicant.id_number)
    expect(cards.filter(has=applicant.get_by_role("heading", name=FOOD))).to_have_count(1)
    applicant.screenshot(path="/tmp/licences-wallet.png", full_page=True)
    with applicant.expect_download() as download:
        card.get_by_role("link", name="下载 PDF").click()
    pdf_path = tmp_path / "licence.pdf"
    download.value.save_as(pdf_path)
    with issued.pdf.open("rb") as handle:
        assert pdf_path.read_bytes() == handle.read()

    qr_target = qrlinks.verification_url(issued.identifier)
    assert qr_target.startswith(f"{base}/verify/")
    verify_link = card.get_by_role("link", name="核验")
    assert verify_link.get_attribute("href") == qr_target
    verify_link.click()
    applicant.wait_for_url(f"{base}/verify/**")
    assert applicant.url == qr_target
    expect_authentic(applicant, issued, w.applicant.id_number)
    applicant.screenshot(path="/tmp/licences-verify-qr.png", full_page=True)

    # 5. Anyone (not signed in) uploads the downloaded PDF on /verify/: the same verdict.
    visitor = web_page
    visitor.goto(f"{base}/verify/")
    expect(visitor.get_by_role("heading", level=1)).to_have_text("电子证照核验")
    assert_all_labelled(visitor)
    visitor.get_by_label("电子证照 PDF 文件").set_input_files(str(pdf_path))
    visitor.get_by_role("button", name="上传并核验").click()
    expect_authentic(visitor, issued, w.applicant.id_number)
    visitor.screenshot(path="/tmp/licences-verify-upload.png", full_page=True)

    # 6. Last, because the steps above went to /licences/ by its address: a signed-in applicant
    # finds 我的证照 in the header, as 我的办件 (else the wallet is reachable only by typing it).
    applicant.goto(f"{base}/")
    wallet_link = applicant.locator(".account-links").get_by_role("link", name="我的证照")
    expect(wallet_link).to_be_visible()
    wallet_link.click()
    applicant.wait_for_url(f"{base}/licences/")
    expect(applicant.get_by_role("heading", level=1)).to_have_text("我的证照")
