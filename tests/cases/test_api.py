"""The cases REST API as department systems, applicants and clerks use it."""

import datetime as dt
import json
import threading

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application
from rest_framework.test import APIClient

from govserve.accounts.models import AccountType, PersonalDataAccess, PersonalDataGrant, User
from govserve.cases import services
from govserve.cases.models import (
    Case,
    CaseState,
    Channel,
    DocumentKind,
    FormField,
    MaterialStatus,
    Notification,
)
from govserve.cases.uploads import EICAR
from govserve.catalog.models import ItemState
from tests.accounts.factories import make_resident_id
from tests.cases.worlds import PDF_BYTES, PNG_BYTES, pdf, staff
from tests.regions.factories import DepartmentFactory, RegionFactory, make_uscc

pytestmark = pytest.mark.django_db

CASES = "/api/cases/"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def files(world, **overrides):
    data = {
        f"material_{world.id_card.pk}": pdf("id.pdf"),
        f"material_{world.floor_plan.pk}": pdf("plan.pdf"),
    }
    data.update(overrides)
    return data


def apply(client, world, *, key=None, fmt="multipart", **fields):
    data = {"item": str(world.item.pk), **fields}
    if fmt == "multipart":
        data = {**files(world), **data}
        for name in ("form_data", "reuse"):
            if name in data and not isinstance(data[name], str):
                data[name] = json.dumps(data[name], ensure_ascii=False)
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(CASES, data, format=fmt, **headers)


def submitted_case(world, applicant=None) -> Case:
    case, _created = services.apply(
        applicant or world.applicant,
        idempotency_key=None,
        item=world.item,
        uploads=[(world.id_card.pk, pdf()), (world.floor_plan.pk, pdf("plan.pdf"))],
    )
    return case


# -- what to fill in ---------------------------------------------------------------------------
def test_the_form_lists_fields_and_materials_the_applicant_must_give(world):
    FormField.objects.create(item=world.item, key="shop_name", label="经营场所名称", order=1)
    body = APIClient().get(f"{CASES}form/", {"item": world.item.implementation_code}).json()
    assert [f["key"] for f in body["fields"]] == ["shop_name"]
    by_name = {m["name"]: m for m in body["materials"]}
    assert (
        by_name["申请人身份证明"]["required"]
        and not by_name["申请人身份证明"]["provided_by_government"]
    )
    assert by_name["营业执照"]["provided_by_government"]  # issued by the government: not asked
    assert not by_name["其他说明材料"]["required"]


def test_a_bundle_form_asks_a_shared_material_once(world):
    body = APIClient().get(f"{CASES}form/", {"bundle": world.bundle.code}).json()
    names = [m["name"] for m in body["materials"]]
    assert names.count("申请人身份证明") == 1
    shared = next(m for m in body["materials"] if m["name"] == "申请人身份证明")
    assert shared["item_names"] == ["食品经营许可", "公共场所卫生许可"]
    assert len(body["items"]) == 3


def test_the_form_of_a_draft_item_is_not_public(world):
    world.item.state = ItemState.DRAFT
    world.item.save(update_fields=["state"])
    assert APIClient().get(f"{CASES}form/", {"item": world.item.pk}).status_code == 404


# -- applying in one request -----------------------------------------------------------------------
def test_apply_with_files_returns_the_case_number_deadline_and_receipt(world):
    FormField.objects.create(item=world.item, key="shop_name", label="经营场所名称")
    client = client_for(world.applicant)
    response = apply(
        client,
        world,
        key="first-try",
        form_data={"shop_name": "王记小吃"},
        delivery_method="pickup",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    case = Case.objects.get()
    assert body["number"] == case.number and len(case.number) == 43
    assert body["state"] == CaseState.SUBMITTED and body["acceptance_due"]
    assert body["receipt_url"].endswith(f"/cases/{case.pk}/receipt/")
    assert case.form_data == {"shop_name": "王记小吃"} and case.delivery_method == "pickup"
    assert sorted(m["name"] for m in body["materials"]) == ["申请人身份证明", "经营场所平面图"]
    assert body["deadlines"][0]["kind"] == "acceptance"
    assert body["events"][-1]["label"] == "提交申请" and body["events"][-1]["actor_name"] == ""


def test_apply_in_json_reusing_files_given_before(world):
    first = submitted_case(world)
    earlier = {cm.material_id: cm.pk for cm in first.materials.all()}
    client = client_for(world.applicant)
    listed = client.get(f"{CASES}reusable-materials/").json()
    assert {row["id"] for row in listed} == set(earlier.values())
    reuse = [{"material": mid, "source": source} for mid, source in earlier.items()]
    response = apply(client, world, fmt="json", reuse=reuse)
    assert response.status_code == 201, response.json()
    case = Case.objects.get(number=response.json()["number"])
    assert {cm.origin for cm in case.materials.all()} == {"reused"}


def test_a_retried_submission_with_the_same_key_is_one_case(world):
    client = client_for(world.applicant)
    first = apply(client, world, key="retry-me")
    again = apply(client, world, key="retry-me")
    assert first.status_code == 201 and again.status_code == 200
    assert (
        again.json()["id"] == first.json()["id"]
        and again.json()["number"] == first.json()["number"]
    )
    assert Case.objects.count() == 1
    # the key can also come in the body
    reuse = [
        {"material": cm.material_id, "source": cm.pk} for cm in Case.objects.get().materials.all()
    ]
    body_key = apply(client, world, fmt="json", idempotency_key="in-body", reuse=reuse)
    body_again = apply(client, world, fmt="json", idempotency_key="in-body", reuse=reuse)
    assert body_key.status_code == 201 and body_again.status_code == 200
    assert Case.objects.count() == 2


def test_the_same_key_for_a_different_application_is_a_conflict(world):
    client = client_for(world.applicant)
    assert apply(client, world, key="k-1", delivery_method="electronic").status_code == 201
    response = apply(client, world, key="k-1", delivery_method="pickup")
    assert response.status_code == 409
    assert "idempotency_key" in response.json()
    # a different file under the same key is a different application too
    other = apply(
        client,
        world,
        key="k-1",
        **{f"material_{world.id_card.pk}": pdf("x.pdf", PDF_BYTES + b"%x\n")},
    )
    assert other.status_code == 409
    assert Case.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_requests_with_one_key_make_one_case(world):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises the whole database)")
    barrier = threading.Barrier(2)
    results = []

    def submit():
        client = Client()
        client.force_login(world.applicant)
        data = {"item": str(world.item.pk), **files(world)}
        barrier.wait()
        try:
            results.append(
                client.post(CASES, data, HTTP_IDEMPOTENCY_KEY="double-click").status_code
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [200, 201]
    assert Case.objects.count() == 1


@pytest.mark.parametrize("state", [ItemState.DRAFT, ItemState.SUSPENDED, ItemState.CANCELLED])
def test_an_item_out_of_the_list_is_refused_with_a_field_error(world, state):
    world.item.state = state
    world.item.save(update_fields=["state"])
    response = apply(client_for(world.applicant), world)
    assert response.status_code == 400
    assert "清单之外无权力" in response.json()["item"][0]
    assert not Case.objects.exists()


def test_missing_materials_and_fields_are_all_listed(world):
    FormField.objects.create(item=world.item, key="shop_name", label="经营场所名称")
    FormField.objects.create(item=world.item, key="area", label="经营面积", field_type="number")
    client = client_for(world.applicant)
    response = apply(client, world, fmt="json", form_data={"area": "很大"})
    assert response.status_code == 400
    errors = response.json()
    assert errors["form_data.shop_name"] == ["“经营场所名称”为必填项"]
    assert errors["form_data.area"] == ["经营面积：请填写数字"]
    assert sorted(errors["materials"]) == [
        "缺少必需材料：申请人身份证明",
        "缺少必需材料：经营场所平面图",
    ]
    assert not Case.objects.exists()


def test_a_pdf_that_is_a_png_is_refused(world):
    bad = pdf("scan.pdf", PNG_BYTES)
    response = apply(client_for(world.applicant), world, **{f"material_{world.id_card.pk}": bad})
    assert response.status_code == 400
    assert "文件内容与扩展名不符" in json.dumps(response.json(), ensure_ascii=False)
    assert not Case.objects.exists()


def test_a_virus_is_refused(world):
    bad = pdf("scan.pdf", PDF_BYTES + EICAR)
    response = apply(client_for(world.applicant), world, **{f"material_{world.floor_plan.pk}": bad})
    assert response.status_code == 400
    assert "病毒扫描" in json.dumps(response.json(), ensure_ascii=False)
    assert not Case.objects.exists()


def test_a_file_must_name_its_material(world):
    response = apply(client_for(world.applicant), world, **{"scan": pdf()})
    assert response.status_code == 400 and "scan" in response.json()


def test_signed_out_cannot_apply(world):
    assert apply(APIClient(), world).status_code in (401, 403)


# -- who sees what ---------------------------------------------------------------------------------
def test_an_applicant_sees_only_their_own_cases(world):
    mine = submitted_case(world)
    theirs = submitted_case(world, applicant=world.other_applicant)
    client = client_for(world.applicant)
    listed = client.get(CASES).json()["results"]
    assert [row["id"] for row in listed] == [mine.pk]
    assert client.get(f"{CASES}{theirs.pk}/").status_code == 404
    assert client.get(f"{CASES}{theirs.pk}/documents/1/").status_code == 404
    assert client.post(f"{CASES}{theirs.pk}/withdraw/", {}).status_code == 404


def test_staff_see_cases_of_their_department_and_region_only(world):
    case = submitted_case(world)
    other_county = RegionFactory(
        code="511621000000",
        name="岳池县",
        full_name="四川省广安市岳池县",
        level=3,
        parent=world.city,
    )
    far_clerk = staff("far-clerk", "clerk", other_county)
    health = client_for(world.health_reviewer)  # another department, not part of this case
    assert client_for(far_clerk).get(f"{CASES}{case.pk}/").status_code == 404
    assert client_for(far_clerk).get(CASES).json()["results"] == []
    assert health.get(f"{CASES}{case.pk}/").status_code == 404
    assert health.get(CASES).json()["results"] == []
    market = client_for(world.market_reviewer)
    assert market.get(f"{CASES}{case.pk}/").status_code == 200
    assert [row["id"] for row in client_for(world.clerk).get(CASES).json()["results"]] == [case.pk]


def test_a_bundle_case_is_seen_by_each_reviewing_department(world):
    case, _created = services.apply(
        world.applicant,
        idempotency_key=None,
        bundle=world.bundle,
        uploads=[
            (world.id_card.pk, pdf()),
            (world.floor_plan.pk, pdf("p.pdf")),
            (world.health_item.materials.get(name="卫生检测报告").pk, pdf("h.pdf")),
            (world.fire_item.materials.get().pk, pdf("f.pdf")),
        ],
    )
    body = client_for(world.applicant).get(f"{CASES}{case.pk}/").json()
    assert [row["department"] for row in body["case_items"]] == [
        "广安市广安区市场监督管理局",
        "广安市广安区卫生健康局",
        "广安市广安区消防救援大队",
    ]
    assert {row["outcome"] for row in body["case_items"]} == {""}
    for reviewer in (world.market_reviewer, world.health_reviewer, world.fire_reviewer):
        assert client_for(reviewer).get(f"{CASES}{case.pk}/").status_code == 200
        assert [r["id"] for r in client_for(reviewer).get(CASES).json()["results"]] == [case.pk]


def test_a_staff_read_of_the_applicant_is_logged_and_the_id_number_masked(world):
    case = submitted_case(world)
    body = client_for(world.clerk).get(f"{CASES}{case.pk}/").json()
    assert body["applicant"]["name"] == "王小明"
    assert body["applicant"]["id_number"] != world.applicant.id_number
    assert (
        body["applicant"]["id_number"].startswith(world.applicant.id_number[:4])
        and "*" in body["applicant"]["id_number"]
    )
    log = PersonalDataAccess.objects.get()
    assert (
        log.viewer == world.clerk and log.subject == world.applicant and case.number in log.reason
    )
    # the applicant reading their own case is not a personal-data access
    client_for(world.applicant).get(f"{CASES}{case.pk}/")
    assert PersonalDataAccess.objects.count() == 1
    # the full number: only with a reason, through the accounts policy, and recorded
    refused = client_for(world.clerk).post(f"{CASES}{case.pk}/reveal/", {"reason": "核对"})
    assert refused.status_code == 403


def test_applicants_see_roles_not_names_and_not_internal_steps(world):
    case = services.accept(submitted_case(world), world.clerk)
    services.request_extension(case, world.market_reviewer, days=5, reasons="需要现场核查")
    mine = client_for(world.applicant).get(f"{CASES}{case.pk}/").json()
    assert [e["label"] for e in mine["events"]] == ["创建申请草稿", "提交申请", "受理"]
    assert mine["events"][-1]["actor_role"] == "窗口人员" and mine["events"][-1]["actor_name"] == ""
    theirs = client_for(world.market_reviewer).get(f"{CASES}{case.pk}/").json()
    assert theirs["events"][-1]["label"].startswith("申请延长审批期限")
    assert theirs["events"][2]["actor_name"] == str(world.clerk)
    assert mine["visits_promised"] == 1 and mine["visits_count"] == 0
    assert {d["kind"] for d in mine["deadlines"]} == {"promised", "statutory"}


# -- the counter -----------------------------------------------------------------------------------
def test_a_clerk_registers_a_walk_in_and_files_for_them(world):
    clerk = client_for(world.clerk)
    id_number = make_resident_id(777)
    unknown = clerk.post(f"{CASES}applicants/", {"id_number": id_number})
    assert unknown.status_code == 400 and set(unknown.json()) == {"real_name", "mobile"}
    made = clerk.post(
        f"{CASES}applicants/",
        {"id_number": id_number, "real_name": "李大爷", "mobile": "13700000077"},
    )
    assert made.status_code == 201 and made.json()["created"] is True
    assert made.json()["id_number"] != id_number and made.json()["assurance_level"] == 2
    person = User.objects.get(id_number=id_number)
    assert person.account_type == AccountType.PERSON and not person.has_usable_password()
    assert clerk.post(f"{CASES}applicants/", {"id_number": id_number}).json()["created"] is False

    response = apply(clerk, world, key="counter-1", applicant=id_number)
    assert response.status_code == 201, response.json()
    case = Case.objects.get()
    assert (
        case.applicant == person
        and case.channel == Channel.COUNTER
        and case.filed_by == world.clerk
    )
    assert case.visits_count == 1 and case.materials.first().origin == "scanned"
    assert Notification.objects.filter(recipient=person, case=case).exists()


def test_only_clerks_register_or_file_for_others(world):
    applicant = client_for(world.applicant)
    assert (
        applicant.post(f"{CASES}applicants/", {"id_number": make_resident_id(5)}).status_code == 403
    )
    response = apply(applicant, world, applicant=world.other_applicant.id_number)
    assert response.status_code == 403 and "综合窗口" in response.json()["applicant"][0]
    bad_id = apply(client_for(world.clerk), world, applicant="511602199003070000")
    assert bad_id.status_code == 400 and "applicant" in bad_id.json()


# -- acceptance, correction, resubmission ----------------------------------------------------------
def test_the_one_time_correction_notice_is_issued_once(world):
    case = submitted_case(world)
    clerk = client_for(world.clerk)
    url = f"{CASES}{case.pk}/correction/"
    entries = [
        {"material_id": world.floor_plan.pk, "reason": "未标明尺寸"},
        {"material": "租赁合同", "reason": "缺少"},
    ]
    response = clerk.post(url, {"entries": entries}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["state"] == CaseState.CORRECTION
    assert body["correction_notice"]["entries"][0]["material"] == "经营场所平面图"
    todo = body["expected_of_applicant"][0]
    assert todo["action"] == "correction" and len(todo["entries"]) == 2
    assert clerk.post(url, {"entries": entries}, format="json").status_code == 409
    # corrected and resubmitted: still no second notice (一次性告知), only accept or refuse
    applicant = client_for(world.applicant)
    applicant.post(
        f"{CASES}drafts/{case.pk}/materials/",
        {"material": world.floor_plan.pk, "file": pdf("plan2.pdf")},
        format="multipart",
    )
    assert applicant.post(f"{CASES}{case.pk}/resubmit/").status_code == 200
    again = clerk.post(url, {"entries": entries}, format="json")
    assert again.status_code == 409 and "一次性告知" in again.json()["entries"][0]
    assert (
        client_for(world.applicant).post(url, {"entries": entries}, format="json").status_code
        == 403
    )


def test_a_notice_needs_a_reason_for_each_entry(world):
    case = submitted_case(world)
    response = client_for(world.clerk).post(
        f"{CASES}{case.pk}/correction/",
        {"entries": [{"material": "平面图", "reason": ""}]},
        format="json",
    )
    assert response.status_code == 400 and "entries.0" in response.json()


def test_the_applicant_corrects_and_resubmits(world):
    case = submitted_case(world)
    services.request_correction(
        case,
        world.clerk,
        entries=[
            {"material_id": world.floor_plan.pk, "material": "经营场所平面图", "reason": "不清晰"}
        ],
    )
    applicant = client_for(world.applicant)
    early = applicant.post(f"{CASES}{case.pk}/resubmit/")
    assert early.status_code == 400 and early.json()["materials"] == [
        "材料仍需补正：经营场所平面图"
    ]
    upload = applicant.post(
        f"{CASES}drafts/{case.pk}/materials/",
        {"material": world.floor_plan.pk, "file": pdf("new-plan.pdf")},
        format="multipart",
    )
    assert upload.status_code == 201 and upload.json()["original_name"] == "new-plan.pdf"
    response = applicant.post(f"{CASES}{case.pk}/resubmit/")
    assert response.status_code == 200 and response.json()["state"] == CaseState.SUBMITTED
    statuses = dict(case.materials.values_list("original_name", "status"))
    assert statuses["plan.pdf"] == MaterialStatus.REPLACED


def test_accept_and_refuse_are_for_the_counter_not_the_applicant(world):
    case = submitted_case(world)
    assert client_for(world.applicant).post(f"{CASES}{case.pk}/accept/").status_code == 403
    refused = client_for(world.clerk).post(
        f"{CASES}{case.pk}/refuse/", {"reasons": ""}, format="json"
    )
    assert refused.status_code == 400 and "reasons" in refused.json()
    accepted = client_for(world.clerk).post(f"{CASES}{case.pk}/accept/")
    assert accepted.status_code == 200 and accepted.json()["state"] == CaseState.IN_REVIEW
    assert client_for(world.clerk).post(f"{CASES}{case.pk}/accept/").status_code == 409
    kinds = [d["kind"] for d in accepted.json()["documents"]]
    assert kinds == [DocumentKind.ACCEPTANCE]


def test_withdraw_before_the_decision_but_not_after_a_refusal(world):
    case = submitted_case(world)
    applicant = client_for(world.applicant)
    assert client_for(world.clerk).post(f"{CASES}{case.pk}/withdraw/", {}).status_code == 403
    response = applicant.post(f"{CASES}{case.pk}/withdraw/", {"reason": "不办了"}, format="json")
    assert response.status_code == 200 and response.json()["state"] == CaseState.WITHDRAWN

    refused = submitted_case(world)
    services.refuse(refused, world.clerk, reasons="不属于本机关", competent_agency="区卫健局")
    late = applicant.post(f"{CASES}{refused.pk}/withdraw/", {})
    assert late.status_code == 409 and late.json()["state"] == ["已作出决定的申请不能撤回"]


def test_visits_and_delivery_at_the_counter(world):
    case = services.accept(submitted_case(world), world.clerk)
    clerk = client_for(world.clerk)
    visit = clerk.post(f"{CASES}{case.pk}/visits/", {"purpose": "核验原件"}, format="json")
    assert visit.status_code == 201 and visit.json()["visits_count"] == 1
    assert (
        client_for(world.applicant).post(f"{CASES}{case.pk}/visits/", {"purpose": "x"}).status_code
        == 403
    )
    case.refresh_from_db()
    case.delivery_method = "pickup"
    case.save(update_fields=["delivery_method"])
    services.decide(case, world.market_approver, outcome="approved")
    delivered = clerk.post(f"{CASES}{case.pk}/deliver/", {"method": "pickup"}, format="json")
    assert delivered.status_code == 200 and delivered.json()["state"] == CaseState.CLOSED
    assert delivered.json()["visits_count"] == 2


# -- drafts ----------------------------------------------------------------------------------------
def test_a_draft_is_filled_in_step_by_step_and_submitted(world):
    FormField.objects.create(item=world.item, key="shop_name", label="经营场所名称")
    client = client_for(world.applicant)
    draft = client.post(f"{CASES}drafts/", {"item": world.item.pk}, format="json")
    assert draft.status_code == 201 and draft.json()["state"] == CaseState.DRAFT
    pk = draft.json()["id"]
    patched = client.patch(
        f"{CASES}drafts/{pk}/",
        {"form_data": {"shop_name": "王记"}, "delivery_method": "post"},
        format="json",
    )
    assert patched.status_code == 200 and patched.json()["form_data"] == {"shop_name": "王记"}
    early = client.post(f"{CASES}drafts/{pk}/submit/")
    assert early.status_code == 400
    assert set(early.json()) == {"materials", "delivery_address"}
    for material in (world.id_card, world.floor_plan):
        up = client.post(
            f"{CASES}drafts/{pk}/materials/",
            {"material": material.pk, "file": pdf()},
            format="multipart",
        )
        assert up.status_code == 201
    client.patch(f"{CASES}drafts/{pk}/", {"delivery_address": "广安区建设路1号"}, format="json")
    done = client.post(f"{CASES}drafts/{pk}/submit/")
    assert done.status_code == 200 and done.json()["number"]
    # someone else's draft does not exist for them
    assert (
        client_for(world.other_applicant)
        .patch(f"{CASES}drafts/{pk}/", {}, format="json")
        .status_code
        == 404
    )


def test_a_draft_upload_of_the_wrong_type_is_refused(world):
    client = client_for(world.applicant)
    pk = client.post(f"{CASES}drafts/", {"item": world.item.pk}, format="json").json()["id"]
    response = client.post(
        f"{CASES}drafts/{pk}/materials/",
        {"material": world.id_card.pk, "file": pdf("a.pdf", b"plain text")},
        format="multipart",
    )
    assert response.status_code == 400 and "file" in response.json()


# -- documents and notifications -------------------------------------------------------------------
def test_documents_download_only_for_those_who_may_see_the_case(world):
    case = services.accept(submitted_case(world), world.clerk)
    doc = case.documents.get()
    if not doc.file:  # the PDF renderer stores it; stand in for it if it has not
        doc.file.save(f"{doc.pk}.pdf", ContentFile(PDF_BYTES), save=True)
    url = f"{CASES}{case.pk}/documents/{doc.pk}/"
    response = client_for(world.applicant).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert client_for(world.market_reviewer).get(url).status_code == 200
    assert client_for(world.other_applicant).get(url).status_code == 404
    assert client_for(world.health_reviewer).get(url).status_code == 404
    assert APIClient().get(url).status_code in (401, 403)
    material = case.materials.first()
    assert (
        client_for(world.other_applicant)
        .get(f"{CASES}{case.pk}/materials/{material.pk}/")
        .status_code
        == 404
    )
    assert (
        client_for(world.clerk).get(f"{CASES}{case.pk}/materials/{material.pk}/").status_code == 200
    )


def test_notifications_are_listed_and_marked_read(world):
    case = services.accept(submitted_case(world), world.clerk)
    client = client_for(world.applicant)
    listed = client.get("/api/notifications/").json()["results"]
    assert [n["subject"] for n in listed] == [
        f"申请已受理：{case.number}",
        f"申请已提交：{case.number}",
    ]
    assert not any(n["read"] for n in listed)
    assert client_for(world.other_applicant).get("/api/notifications/").json()["results"] == []
    marked = client.post(
        "/api/notifications/read/", {"ids": [listed[0]["id"]]}, format="json"
    ).json()
    assert marked == {"marked": 1, "unread": 1}
    assert client.post("/api/notifications/read/", {}, format="json").json() == {
        "marked": 1,
        "unread": 0,
    }


@pytest.mark.parametrize("ids", [[2**70], [2**63], [0], ["x"]])
def test_marking_read_an_id_no_row_can_have_is_400(world, ids):
    """An id past the 64-bit range is refused by name, never bound by SQLite (a 500)."""
    resp = client_for(world.applicant).post("/api/notifications/read/", {"ids": ids}, format="json")
    assert resp.status_code == 400
    assert list(resp.json()) == ["ids"]


def test_a_department_of_another_region_is_not_a_competent_reader(world):
    """A reviewer whose department has the same name elsewhere sees nothing here."""
    other_county = RegionFactory(
        code="511622000000",
        name="武胜县",
        full_name="四川省广安市武胜县",
        level=3,
        parent=world.city,
    )
    dept = DepartmentFactory(
        name="武胜县市场监督管理局", region=other_county, uscc=make_uscc(30000099)
    )
    reviewer = staff("ws-reviewer", "reviewer", other_county, dept)
    case = submitted_case(world)
    assert client_for(reviewer).get(f"{CASES}{case.pk}/").status_code == 404


def test_a_full_view_needs_a_data_grant_and_is_recorded(world):
    case = submitted_case(world)
    PersonalDataGrant.objects.create(
        user=world.clerk, reason="核对申请人身份", valid_until=timezone.now() + dt.timedelta(days=1)
    )
    url = f"{CASES}{case.pk}/reveal/"
    assert client_for(world.clerk).post(url, {}, format="json").status_code == 400  # a reason
    response = client_for(world.clerk).post(url, {"reason": "核对申请人身份"}, format="json")
    assert response.status_code == 200
    assert response.json()["id_number"] == world.applicant.id_number
    assert PersonalDataAccess.objects.filter(viewer=world.clerk, channel="api:case").exists()


def test_a_bearer_token_needs_the_cases_scopes(world):
    case = submitted_case(world)
    app = Application.objects.create(
        name="部门系统",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris="https://dept.example.gov.cn/cb",
    )

    def token(scope):
        value = f"tok-{scope.replace(' ', '-')}"
        AccessToken.objects.create(
            user=world.applicant,
            application=app,
            token=value,
            scope=scope,
            expires=timezone.now() + dt.timedelta(hours=1),
        )
        return {"HTTP_AUTHORIZATION": f"Bearer {value}"}

    client = APIClient()
    assert client.get(CASES, **token("openid")).status_code == 403
    reader = token("openid cases.read")
    assert client.get(f"{CASES}{case.pk}/", **reader).status_code == 200
    assert client.post(f"{CASES}{case.pk}/withdraw/", {}, **reader).status_code == 403
    writer = token("openid cases.read cases.write")
    assert client.post(f"{CASES}{case.pk}/withdraw/", {}, **writer).status_code == 200


def test_uploaded_materials_are_never_plain_media_files(settings):
    """Even in DEBUG, /media/ serves the public catalog samples only; case materials and
    documents go through the permission-checking, access-logging views."""
    import importlib

    from django.urls import Resolver404
    from django.urls.resolvers import RegexPattern, URLResolver

    import govserve.urls

    settings.DEBUG = True
    try:
        resolver = URLResolver(RegexPattern(r"^/"), importlib.reload(govserve.urls))
        assert resolver.resolve("/media/samples/forms/blank.pdf")
        for path in ("/media/cases/1/abc-id.pdf", "/media/case-documents/2026/11/x.pdf"):
            with pytest.raises(Resolver404):
                resolver.resolve(path)
    finally:
        settings.DEBUG = False
        importlib.reload(govserve.urls)


def test_green_channel_through_the_api(world):
    case = submitted_case(world)
    url = f"{CASES}{case.pk}/green-channel/"
    assert (
        client_for(world.applicant)
        .post(url, {"on": True, "reason": "急"}, format="json")
        .status_code
        == 403
    )
    refused = client_for(world.clerk).post(url, {"on": True, "reason": ""}, format="json")
    assert refused.status_code == 400 and "reason" in refused.json()
    done = client_for(world.clerk).post(url, {"on": True, "reason": "重点项目"}, format="json")
    assert done.status_code == 200 and done.json()["green_channel"] is True
