"""The case pages as people use them: apply → receipt, the counter, the acceptance queue,
correction → resubmission, withdrawal, notifications (Django's test client, no JavaScript)."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from govserve.accounts.models import PersonalDataAccess, User
from govserve.cases import services
from govserve.cases.models import Case, CaseState, Channel, FormField, MaterialStatus
from govserve.catalog.models import ItemState
from tests.accounts.factories import make_resident_id
from tests.cases.worlds import PNG_BYTES, pdf, staff
from tests.regions.factories import RegionFactory

pytestmark = pytest.mark.django_db


def signed_in(client, user):
    client.force_login(user)
    return client


def html(response) -> str:
    return response.content.decode()


def text(response) -> str:
    """The page's visible text, tags removed and whitespace collapsed."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", html(response), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def key_of(response) -> str:
    return re.search(r'name="idempotency_key" value="([^"]+)"', html(response)).group(1)


def submitted_case(world, applicant=None) -> Case:
    case, _created = services.apply(
        applicant or world.applicant,
        idempotency_key=None,
        item=world.item,
        uploads=[(world.id_card.pk, pdf()), (world.floor_plan.pk, pdf("plan.pdf"))],
    )
    return case


# -- from the guide to the receipt -----------------------------------------------------------------
def test_the_guide_links_to_the_apply_page(client, world):
    guide = html(client.get(reverse("portal:item", args=[world.item.pk])))
    assert f'href="{reverse("cases:apply-item", args=[world.item.pk])}"' in guide
    assert "在线办理 / 申请" in guide
    bundle = html(client.get(reverse("portal:bundle", args=[world.bundle.code])))
    assert f'href="{reverse("cases:apply-bundle", args=[world.bundle.code])}"' in bundle


def test_signed_out_visitors_are_sent_to_log_in(client, world):
    response = client.get(reverse("cases:apply-item", args=[world.item.pk]))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_apply_then_receipt(client, world):
    FormField.objects.create(item=world.item, key="shop_name", label="经营场所名称", order=1)
    signed_in(client, world.applicant)
    url = reverse("cases:apply-item", args=[world.item.pk])
    form = client.get(url)
    page = text(form)
    assert form.status_code == 200
    assert "经营场所名称" in page and "申请人身份证明" in page and "经营场所平面图" in page
    assert "营业执照 政府部门已有，免提交" in page
    assert 'name="csrfmiddlewaretoken"' in html(form)
    assert "保存草稿" in page and "提交" in page
    key = key_of(form)
    data = {
        "idempotency_key": key,
        "f_shop_name": "王记小吃",
        "delivery_method": "electronic",
        "action": "submit",
        f"material_{world.id_card.pk}": pdf("id.pdf"),
        f"material_{world.floor_plan.pk}": pdf("plan.pdf"),
    }
    response = client.post(url, data)
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "cases:receipt", args=[case.pk]
    )
    receipt = text(client.get(response["Location"]))
    assert case.number in receipt
    assert f"工作人员将在 {case.acceptance_due:%Y-%m-%d} 前完成受理审查" in receipt
    assert case.form_data == {"shop_name": "王记小吃"} and case.channel == Channel.ONLINE
    # the double click: the same rendered form posted again makes no second case
    again = client.post(
        url,
        {
            **data,
            f"material_{world.id_card.pk}": pdf("id.pdf"),
            f"material_{world.floor_plan.pk}": pdf("plan.pdf"),
        },
    )
    assert again["Location"] == reverse("cases:receipt", args=[case.pk])
    assert Case.objects.count() == 1


def test_errors_stand_next_to_their_fields_and_nothing_is_written(client, world):
    FormField.objects.create(item=world.item, key="shop_name", label="经营场所名称", order=1)
    signed_in(client, world.applicant)
    url = reverse("cases:apply-item", args=[world.item.pk])
    key = key_of(client.get(url))
    response = client.post(
        url,
        {
            "idempotency_key": key,
            "delivery_method": "post",
            "action": "submit",
            f"material_{world.id_card.pk}": pdf("id.pdf", PNG_BYTES),  # a PNG named .pdf
        },
    )
    assert response.status_code == 400
    page = html(response)
    assert re.search(
        rf'id="id_material_{world.id_card.pk}_error"[^>]*><li>文件内容与扩展名不符', page
    )
    assert not Case.objects.exists()
    # a good file but still incomplete: each problem next to its field
    response = client.post(
        url,
        {
            "idempotency_key": key,
            "delivery_method": "post",
            "action": "submit",
            f"material_{world.id_card.pk}": pdf("id.pdf"),
        },
    )
    page = html(response)
    assert response.status_code == 400
    assert re.search(r'id="id_f_shop_name_error"[^>]*><li>“经营场所名称”为必填项', page)
    assert re.search(
        rf'id="id_material_{world.floor_plan.pk}_error"[^>]*><li>缺少必需材料：经营场所平面图', page
    )
    assert re.search(r'id="id_delivery_address_error"[^>]*><li>选择邮寄送达时请填写邮寄地址', page)
    assert "请重新选择要上传的文件" in page
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("state", "message"),
    [(ItemState.SUSPENDED, "已暂停办理"), (ItemState.CANCELLED, "已取消")],
)
def test_an_item_that_cannot_be_applied_for_shows_why_not_a_form(client, world, state, message):
    world.item.state = state
    world.item.save(update_fields=["state"])
    signed_in(client, world.applicant)
    response = client.get(reverse("cases:apply-item", args=[world.item.pk]))
    assert message in text(response) and "清单之外无权力" in text(response)
    assert 'enctype="multipart/form-data"' not in html(response)


def test_an_incomplete_guide_and_a_draft_item(client, world):
    signed_in(client, world.applicant)
    world.item.elements_complete = False
    world.item.save(update_fields=["elements_complete"])
    response = client.get(reverse("cases:apply-item", args=[world.item.pk]))
    assert "要素尚不完整" in text(response) and '<form method="post" enctype' not in html(response)
    world.item.state = ItemState.DRAFT
    world.item.save(update_fields=["state"])
    assert client.get(reverse("cases:apply-item", args=[world.item.pk])).status_code == 404


def test_a_draft_is_saved_and_submitted_later(client, world):
    signed_in(client, world.applicant)
    url = reverse("cases:apply-item", args=[world.item.pk])
    key = key_of(client.get(url))
    saved = client.post(
        url,
        {
            "idempotency_key": key,
            "delivery_method": "electronic",
            "action": "save",
            f"material_{world.id_card.pk}": pdf("my-id.pdf"),
        },
    )
    case = Case.objects.get()
    assert case.state == CaseState.DRAFT and saved["Location"] == reverse(
        "cases:edit", args=[case.pk]
    )
    edit = client.get(saved["Location"])
    assert "已提交：my-id.pdf" in text(edit) and "草稿已保存" in text(edit)
    early = client.post(saved["Location"], {"delivery_method": "electronic", "action": "submit"})
    assert early.status_code == 400 and "缺少必需材料：经营场所平面图" in text(early)
    assert client.get(reverse("cases:mine")).status_code == 200
    done = client.post(
        saved["Location"],
        {
            "delivery_method": "electronic",
            "action": "submit",
            f"material_{world.floor_plan.pk}": pdf("plan.pdf"),
        },
    )
    case.refresh_from_db()
    assert (
        done["Location"] == reverse("cases:receipt", args=[case.pk])
        and case.state == CaseState.SUBMITTED
    )


def test_a_bundle_is_one_form_with_one_merged_material_list(client, world):
    signed_in(client, world.applicant)
    response = client.get(reverse("cases:apply-bundle", args=[world.bundle.code]))
    page = text(response)
    assert page.count("申请人身份证明") == 1
    assert "食品经营许可、公共场所卫生许可共用，只需提交一次" in page
    assert "卫生检测报告" in page and "消防安全制度" in page


def test_earlier_files_can_be_reused(client, world):
    first = submitted_case(world)
    signed_in(client, world.applicant)
    url = reverse("cases:apply-item", args=[world.item.pk])
    form = client.get(url)
    assert "或复用已提交的材料" in text(form) and first.number in text(form)
    sources = {cm.material_id: cm.pk for cm in first.materials.all()}
    response = client.post(
        url,
        {
            "idempotency_key": key_of(form),
            "delivery_method": "electronic",
            "action": "submit",
            **{f"reuse_{mid}": str(src) for mid, src in sources.items()},
        },
    )
    assert response.status_code == 302
    second = Case.objects.exclude(pk=first.pk).get()
    assert {cm.origin for cm in second.materials.all()} == {"reused"}


# -- following the case ----------------------------------------------------------------------------
def test_the_case_page_shows_progress_deadline_and_documents(client, world):
    case = services.accept(submitted_case(world), world.clerk)
    signed_in(client, world.applicant)
    page = text(client.get(reverse("cases:case", args=[case.pk])))
    assert "提交申请" in page and "受理 · 窗口人员" in page
    assert str(world.clerk) not in page  # roles, not names
    assert f"承诺办结期限 {case.promised_due:%Y-%m-%d}" in page
    assert "受理通知书" in page
    assert "到现场 0 次（本事项承诺最多 1 次）" in page
    assert "撤回申请" in page


def test_another_persons_case_does_not_exist(client, world):
    case = submitted_case(world, applicant=world.other_applicant)
    signed_in(client, world.applicant)
    assert client.get(reverse("cases:case", args=[case.pk])).status_code == 404
    assert client.get(reverse("cases:receipt", args=[case.pk])).status_code == 404
    assert client.post(reverse("cases:withdraw", args=[case.pk])).status_code == 404


def test_withdraw_before_the_decision(client, world):
    case = submitted_case(world)
    signed_in(client, world.applicant)
    client.post(reverse("cases:withdraw", args=[case.pk]), {"reason": "材料准备不全"})
    case.refresh_from_db()
    assert case.state == CaseState.WITHDRAWN
    page = text(client.get(reverse("cases:case", args=[case.pk])))
    assert "申请人撤回申请" in page and "撤回申请</button>" not in html(
        client.get(reverse("cases:case", args=[case.pk]))
    )


def test_correction_then_resubmission(client, world):
    case = submitted_case(world)
    clerk = signed_in(client, world.clerk)
    staff_url = reverse("cases:staff-case", args=[case.pk])
    assert "出具一次性告知书" in text(clerk.get(staff_url))
    action = reverse("cases:staff-action", args=[case.pk, "correction"])
    missing_reason = clerk.post(action, {f"c_{world.floor_plan.pk}": "on"})
    assert missing_reason.status_code == 400
    assert re.search(
        rf'id="id_r_{world.floor_plan.pk}_error"[^>]*><li>请写明该材料需补正的原因',
        html(missing_reason),
    )
    clerk.post(
        action,
        {
            f"c_{world.floor_plan.pk}": "on",
            f"r_{world.floor_plan.pk}": "未标明面积",
            "other_material": "房屋租赁合同",
            "other_reason": "未提交",
        },
    )
    case.refresh_from_db()
    assert case.state == CaseState.CORRECTION
    assert "出具一次性告知书" not in text(clerk.get(staff_url))  # once only

    signed_in(client, world.applicant)
    page = client.get(reverse("cases:case", args=[case.pk]))
    assert "经营场所平面图 ：未标明面积" in text(page) and "房屋租赁合同 ：未提交" in text(page)
    assert f'name="material_{world.floor_plan.pk}"' in html(page) and "重新提交" in text(page)
    resubmit = reverse("cases:resubmit", args=[case.pk])
    too_early = client.post(resubmit, {"action": "resubmit"})
    assert too_early.status_code == 400 and "材料仍需补正：经营场所平面图" in text(too_early)
    client.post(
        resubmit, {"action": "resubmit", f"material_{world.floor_plan.pk}": pdf("plan-v2.pdf")}
    )
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED
    assert case.materials.get(original_name="plan-v2.pdf").status == MaterialStatus.RECEIVED
    assert "补正材料后重新提交" in text(client.get(reverse("cases:case", args=[case.pk])))


def test_notifications_and_the_unread_count(client, world):
    case = services.accept(submitted_case(world), world.clerk)
    signed_in(client, world.applicant)
    home = html(client.get(reverse("cases:mine")))
    assert re.search(r'消息 <span class="badge badge-red"[^>]*>2</span>', home)
    page = text(client.get(reverse("cases:notifications")))
    assert f"申请已受理：{case.number}" in page and "未读" in page
    client.post(reverse("cases:notifications"))
    assert "未读" not in text(client.get(reverse("cases:notifications")))
    assert 'class="badge badge-red"' not in html(client.get(reverse("cases:mine")))


# -- the counter -----------------------------------------------------------------------------------
def test_the_counter_is_for_clerks(client, world):
    signed_in(client, world.applicant)
    assert client.get(reverse("cases:counter")).status_code == 403
    signed_in(client, world.market_reviewer)
    assert client.get(reverse("cases:counter")).status_code == 403


def test_counter_flow_for_a_walk_in(client, world):
    signed_in(client, world.clerk)
    counter = reverse("cases:counter")
    bad = client.post(counter, {"id_number": "511602199003070000"})
    assert bad.status_code == 400 and re.search(r'id="id_id_number_error"', html(bad))
    id_number = make_resident_id(321)
    unknown = client.post(counter, {"id_number": id_number})
    assert "该身份证号码尚未注册" in text(unknown) and "登记来办群众" in text(unknown)
    register = reverse("cases:counter-register")
    refused = client.post(
        register, {"real_name": "", "id_number": id_number, "mobile": "13700000321"}
    )
    assert refused.status_code == 400 and re.search(r'id="id_real_name_error"', html(refused))
    refused = client.post(register, {"real_name": "李大爷", "id_number": id_number, "mobile": "12"})
    assert refused.status_code == 400 and re.search(r'id="id_mobile_error"', html(refused))
    assert not User.objects.filter(id_number=id_number).exists()
    client.post(
        reverse("cases:counter-register"),
        {"real_name": "李大爷", "id_number": id_number, "mobile": "13700000321"},
    )
    person = User.objects.get(id_number=id_number)
    home = text(client.get(counter))
    assert "李大爷" in home and id_number not in home and id_number[:4] in home  # masked
    assert "食品经营许可" in home and "我要开饭店" in home
    url = reverse("cases:counter-apply-item", args=[world.item.pk])
    form = client.get(url)
    assert "为在场申请人 李大爷 代为填报" in text(form)
    response = client.post(
        url,
        {
            "idempotency_key": key_of(form),
            "delivery_method": "pickup",
            "action": "submit",
            f"material_{world.id_card.pk}": pdf("scan1.pdf"),
            f"material_{world.floor_plan.pk}": pdf("scan2.pdf"),
        },
    )
    case = Case.objects.get()
    assert response["Location"] == reverse("cases:receipt", args=[case.pk])
    assert (
        case.applicant == person
        and case.channel == Channel.COUNTER
        and case.filed_by == world.clerk
    )
    assert case.visits_count == 1 and {cm.origin for cm in case.materials.all()} == {"scanned"}


def test_a_known_person_is_found_and_an_item_of_another_region_is_refused(client, world):
    other = RegionFactory(
        code="511621000000",
        name="岳池县",
        full_name="四川省广安市岳池县",
        level=3,
        parent=world.city,
    )
    far_clerk = staff("far-clerk", "clerk", other)
    signed_in(client, far_clerk)
    client.post(reverse("cases:counter"), {"id_number": world.applicant.id_number})
    response = client.get(reverse("cases:counter-apply-item", args=[world.item.pk]))
    assert "不在您所在区划综合窗口的受理范围内" in text(response)
    assert 'enctype="multipart/form-data"' not in html(response)


def test_acceptance_queue_by_deadline_with_overdue_in_red(client, world):
    late = submitted_case(world)
    soon = submitted_case(world, applicant=world.other_applicant)
    Case.objects.filter(pk=late.pk).update(
        acceptance_due=timezone.localdate() - dt.timedelta(days=1)
    )
    signed_in(client, world.clerk)
    page = html(client.get(reverse("cases:counter")))
    assert page.index(late.number) < page.index(soon.number)
    assert re.search(rf'<tr class="overdue">\s*<th scope="row"><a [^>]*>{late.number}</a>', page)
    assert "王*" in page and "王小明" not in page  # names masked in the queue
    other = RegionFactory(
        code="511621000000",
        name="岳池县",
        full_name="四川省广安市岳池县",
        level=3,
        parent=world.city,
    )
    signed_in(client, staff("far-clerk", "clerk", other))
    assert late.number not in html(client.get(reverse("cases:counter")))


def test_the_staff_case_page_accepts_and_never_decides(client, world):
    case = submitted_case(world)
    signed_in(client, world.clerk)
    url = reverse("cases:staff-case", args=[case.pk])
    page = client.get(url)
    body = text(page)
    assert "王小明" in body and world.applicant.id_number not in body
    assert "受理" in body and "不予受理" in body and "登记到现场" in body
    assert "准予" not in body and "不予许可" not in body  # 受办分离
    assert PersonalDataAccess.objects.filter(viewer=world.clerk, subject=world.applicant).exists()
    material = case.materials.first()
    download = client.get(reverse("cases:material", args=[case.pk, material.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    refuse = client.post(reverse("cases:staff-action", args=[case.pk, "refuse"]), {"reasons": ""})
    assert refuse.status_code == 400 and re.search(r'id="id_reasons_error"', html(refuse))
    client.post(reverse("cases:staff-action", args=[case.pk, "accept"]))
    case.refresh_from_db()
    assert case.state == CaseState.IN_REVIEW
    assert "受理通知书" in text(client.get(url))
    client.post(reverse("cases:staff-action", args=[case.pk, "visit"]), {"purpose": "核验原件"})
    case.refresh_from_db()
    assert case.visits_count == 1


def test_delivery_is_recorded_at_the_counter(client, world):
    case = services.accept(submitted_case(world), world.clerk)
    Case.objects.filter(pk=case.pk).update(delivery_method="pickup")
    services.decide(case, world.market_approver, outcome="approved")
    signed_in(client, world.clerk)
    assert "登记送达" in text(client.get(reverse("cases:staff-case", args=[case.pk])))
    client.post(
        reverse("cases:staff-action", args=[case.pk, "deliver"]), {"method": "pickup", "note": ""}
    )
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED and case.visits_count == 1


def test_staff_of_another_department_cannot_open_the_case(client, world):
    case = submitted_case(world)
    signed_in(client, world.health_reviewer)
    assert client.get(reverse("cases:staff-case", args=[case.pk])).status_code == 404
    assert client.post(reverse("cases:staff-action", args=[case.pk, "accept"])).status_code == 404


def test_staff_read_the_form_by_its_labels(client, world):
    FormField.objects.create(item=world.item, key="shop_name", label="经营场所名称")
    case, _created = services.apply(
        world.applicant,
        idempotency_key=None,
        item=world.item,
        form_data={"shop_name": "王记小吃"},
        uploads=[(world.id_card.pk, pdf()), (world.floor_plan.pk, pdf("plan.pdf"))],
    )
    signed_in(client, world.market_reviewer)
    page = text(client.get(reverse("cases:staff-case", args=[case.pk])))
    assert "经营场所名称 王记小吃" in page
    assert "返回办件列表" in page and "不予受理" in page  # the department may accept too
    receipt = client.get(reverse("cases:receipt", args=[case.pk]))
    assert receipt.status_code == 200
    assert PersonalDataAccess.objects.filter(
        viewer=world.market_reviewer, channel="page:receipt"
    ).exists()


def test_a_staff_account_does_not_apply_for_itself(client, world):
    signed_in(client, world.clerk)
    response = client.get(reverse("cases:apply-item", args=[world.item.pk]))
    assert "工作人员账户不能以本人名义在线申请" in text(response)
    assert 'enctype="multipart/form-data"' not in html(response)


def test_a_clerk_opens_the_green_channel_with_a_reason(client, world):
    case = submitted_case(world)
    signed_in(client, world.clerk)
    url = reverse("cases:staff-action", args=[case.pk, "green-channel"])
    assert client.post(url, {"on": "on", "reason": ""}).status_code == 400
    client.post(url, {"on": "on", "reason": "重点招商项目"})
    case.refresh_from_db()
    assert case.green_channel
    assert "已开通" in text(client.get(reverse("cases:staff-case", args=[case.pk])))
