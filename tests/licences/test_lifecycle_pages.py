"""Staff licence pages (证照管理) as reviewers, approvers and other departments use them."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from govserve.accounts.models import PersonalDataAccess
from govserve.licences.models import Licence, LicenceStatus
from tests.licences.worlds import staff_user

pytestmark = pytest.mark.django_db


def _detail(licence) -> str:
    return reverse("licences:manage-licence", args=[licence.pk])


def _act(licence, act: str) -> str:
    return reverse("licences:manage-action", args=[licence.pk, act])


def test_the_list_shows_the_departments_licences_with_masked_ids(client, world, issued_licence):
    client.force_login(world.market_reviewer)
    page = client.get(reverse("licences:manage")).content.decode()
    full = issued_licence.holder_id_number
    assert issued_licence.number in page and "王小明" in page
    assert full not in page and full[:4] + "**********" + full[-4:] in page
    found = client.get(reverse("licences:manage"), {"q": issued_licence.number}).content.decode()
    assert issued_licence.number in found
    none = client.get(reverse("licences:manage"), {"q": "赵六"}).content.decode()
    assert issued_licence.number not in none and "没有符合条件的证照" in none


def test_other_departments_and_applicants_are_kept_out(client, world, issued_licence):
    client.force_login(world.health_approver)
    assert issued_licence.number not in client.get(reverse("licences:manage")).content.decode()
    assert client.get(_detail(issued_licence)).status_code == 404
    assert client.get(reverse("licences:manage-pdf", args=[issued_licence.pk])).status_code == 404
    response = client.post(_act(issued_licence, "revoke"), {"revoke-reason": "x"})
    assert response.status_code == 404
    client.force_login(world.applicant)
    assert client.get(reverse("licences:manage")).status_code == 403
    issued_licence.refresh_from_db()
    assert issued_licence.status == LicenceStatus.VALID


def test_a_reviewer_reads_the_licence_and_its_history_without_actions(
    client, world, issued_licence
):
    client.force_login(world.market_reviewer)
    page = client.get(_detail(issued_licence)).content.decode()
    assert issued_licence.identifier in page and "经营场所" in page and "签发" in page
    assert "撤销证照" not in page and "变更并签发新版本" not in page
    assert PersonalDataAccess.objects.filter(
        viewer=world.market_reviewer, subject=world.applicant, channel="page"
    ).exists()
    pdf = client.get(reverse("licences:manage-pdf", args=[issued_licence.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    # acting anyway is refused by the services
    response = client.post(_act(issued_licence, "suspend"), {"suspend-reason": "检查"})
    assert response.status_code == 403
    issued_licence.refresh_from_db()
    assert issued_licence.status == LicenceStatus.VALID


def test_a_supervisor_reads_but_does_not_act(client, world, issued_licence):
    supervisor = staff_user("supervisor", "supervisor", world.county)
    client.force_login(supervisor)
    assert client.get(_detail(issued_licence)).status_code == 200
    assert client.post(_act(issued_licence, "revoke"), {"revoke-reason": "x"}).status_code == 403


def test_an_approver_changes_the_licence_into_a_new_version(client, world, issued_licence):
    client.force_login(world.market_approver)
    page = client.get(_detail(issued_licence)).content.decode()
    assert "变更并签发新版本" in page and "撤销证照" in page
    assert issued_licence.data["business_address"] in page  # the form starts from the data
    response = client.post(
        _act(issued_licence, "change"),
        {
            "data_business_address": "",
            "data_business_scope": "预包装食品销售",
            "data_main_form": "餐饮服务经营者",
            "reason": "迁址",
        },
    )
    assert response.status_code == 400
    assert "“经营场所”（business_address）为必填项" in response.content.decode()
    assert Licence.objects.count() == 1
    response = client.post(
        _act(issued_licence, "change"),
        {
            "data_business_address": "广安区建设路 10 号",
            "data_business_scope": "预包装食品销售",
            "data_main_form": "餐饮服务经营者",
            "reason": "迁址",
        },
    )
    new = Licence.objects.get(supersedes=issued_licence)
    assert response.status_code == 302 and response["Location"] == _detail(new)
    page = client.get(_detail(new)).content.decode()
    assert "已变更，签发第 2 版" in page and "广安区建设路 10 号" in page
    old = client.get(_detail(issued_licence)).content.decode()
    assert "该版本已被第 2 版替代" in old and "变更并签发新版本" not in old


def test_suspend_needs_a_reason_then_resume_and_revoke(client, world, issued_licence):
    client.force_login(world.market_approver)
    response = client.post(_act(issued_licence, "suspend"), {"suspend-reason": ""})
    assert response.status_code == 400 and "field-error" in response.content.decode()
    client.post(_act(issued_licence, "suspend"), {"suspend-reason": "责令整顿"})
    issued_licence.refresh_from_db()
    assert issued_licence.status == LicenceStatus.SUSPENDED
    page = client.get(_detail(issued_licence)).content.decode()
    assert "恢复有效" in page and "责令整顿" in page
    client.post(_act(issued_licence, "resume"), {"resume-reason": "整改完成"})
    client.post(_act(issued_licence, "revoke"), {"revoke-reason": "以欺骗手段取得"})
    issued_licence.refresh_from_db()
    assert issued_licence.status == LicenceStatus.REVOKED
    response = client.post(_act(issued_licence, "resume"), {"resume-reason": "申诉"})
    assert response.status_code == 409 and "已撤销" in response.content.decode()


def test_renewal_is_offered_only_in_its_window(client, world, issued_licence):
    client.force_login(world.market_approver)
    page = client.get(_detail(issued_licence)).content.decode()
    assert "延续有效期" not in page and "起方可办理" in page
    response = client.post(_act(issued_licence, "renew"))
    assert response.status_code == 409 and "起方可办理" in response.content.decode()
    issued_licence.valid_until = timezone.localdate() + dt.timedelta(days=10)
    issued_licence.save(update_fields=["valid_until"])
    assert "延续有效期" in client.get(_detail(issued_licence)).content.decode()
    response = client.post(_act(issued_licence, "renew"))
    new = Licence.objects.get(supersedes=issued_licence)
    assert response.status_code == 302 and new.version == 2
    assert new.valid_until > issued_licence.valid_until


def test_an_unknown_action_is_not_found(client, world, issued_licence):
    client.force_login(world.market_approver)
    assert client.post(_act(issued_licence, "destroy")).status_code == 404
