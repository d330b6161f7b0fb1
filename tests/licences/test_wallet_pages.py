"""The wallet pages as a holder and a department's staff use them (no JavaScript needed)."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from govserve.accounts.models import PersonalDataAccess
from govserve.licences import sharing
from govserve.licences.models import LicenceShare, LicenceStatus, LicenceUse
from tests.accounts.factories import OrganisationFactory
from tests.cases.worlds import PDF_BYTES
from tests.licences.test_selectors import make_licence, represent

pytestmark = pytest.mark.django_db


def signed_in(client, user):
    client.force_login(user)
    return client


def text(response) -> str:
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


@pytest.fixture
def licence(world, licence_type):
    return make_licence(world, licence_type, holder_user=world.applicant)


def test_signed_out_visitors_are_sent_to_log_in(client, world, licence):
    for url in (reverse("licences:wallet"), reverse("licences:wallet-licence", args=[licence.pk])):
        response = client.get(url)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_the_wallet_lists_own_and_company_licences_with_status_and_links(
    client, world, licence_type, licence
):
    company = OrganisationFactory(name="广安市好味道餐饮有限公司")
    represent(world.applicant, company)
    business = make_licence(
        world,
        licence_type,
        holder_organisation=company,
        issued_on=timezone.localdate() - dt.timedelta(days=400),
        valid_until=timezone.localdate() + dt.timedelta(days=10),
    )
    make_licence(world, licence_type, holder_user=world.other_applicant, serial="999999")
    response = signed_in(client, world.applicant).get(reverse("licences:wallet"))
    page = text(response)
    assert response.status_code == 200
    assert "我的证照" in page
    assert licence.number in page and business.number in page
    assert "999999" not in page  # someone else's
    assert "有效" in page and "即将到期" in page
    assert "广安市好味道餐饮有限公司" in page and company.uscc in page
    body = response.content.decode()
    assert reverse("licences:wallet-pdf", args=[licence.pk]) in body
    assert f"/verify/{licence.identifier}/?t=" in body


def test_the_holders_id_number_is_masked_on_every_page(client, world, licence):
    sharing.share(licence, world.applicant, department=world.market, purpose="核验")
    holder = signed_in(client, world.applicant)
    for url in (reverse("licences:wallet"), reverse("licences:wallet-licence", args=[licence.pk])):
        body = holder.get(url).content.decode()
        assert world.applicant.id_number not in body
        assert world.applicant.id_number[:4] in body
    staff = signed_in(client, world.market_reviewer)
    body = staff.get(reverse("licences:shared-with-me")).content.decode()
    assert world.applicant.id_number not in body and licence.number in body


def test_older_versions_are_behind_history(client, world, licence_type):
    v1 = make_licence(world, licence_type, serial="000321", status=LicenceStatus.SUPERSEDED)
    make_licence(world, licence_type, serial="000321", version=2, supersedes=v1)
    page = text(signed_in(client, world.applicant).get(reverse("licences:wallet")))
    assert "历史版本" in page and "已被替代" in page


def test_another_persons_licence_is_not_found(client, world, licence):
    other = signed_in(client, world.other_applicant)
    assert other.get(reverse("licences:wallet-licence", args=[licence.pk])).status_code == 404
    assert other.get(reverse("licences:wallet-pdf", args=[licence.pk])).status_code == 404
    response = other.post(
        reverse("licences:wallet-share", args=[licence.pk]),
        {"department": world.market.pk, "purpose": "偷看", "days": 30},
    )
    assert response.status_code == 404
    assert not LicenceShare.objects.exists()


def test_the_holder_downloads_the_pdf(client, world, licence):
    response = signed_in(client, world.applicant).get(
        reverse("licences:wallet-pdf", args=[licence.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_sharing_from_the_detail_page(client, world, licence):
    holder = signed_in(client, world.applicant)
    detail = reverse("licences:wallet-licence", args=[licence.pk])
    # the picker is a search box: 卫生 narrows the select to the health department
    found = holder.get(detail, {"dq": "卫生"}).content.decode()
    picker = re.search(r'<select name="department".*?</select>', found, flags=re.S).group(0)
    assert world.health.name in picker and world.market.name not in picker

    blank = holder.post(
        reverse("licences:wallet-share", args=[licence.pk]),
        {"department": world.health.pk, "purpose": "  ", "days": 30},
    )
    assert blank.status_code == 400
    assert "请写明用途" in text(blank)
    assert not LicenceShare.objects.exists()

    too_long = holder.post(
        reverse("licences:wallet-share", args=[licence.pk]),
        {"department": world.health.pk, "purpose": "核验", "days": 400},
    )
    assert too_long.status_code == 400 and "1 至 365" in text(too_long)

    done = holder.post(
        reverse("licences:wallet-share", args=[licence.pk]),
        {"department": world.health.pk, "purpose": "办理公共场所卫生许可", "days": 30},
        follow=True,
    )
    page = text(done)
    assert "已授权" in page and "办理公共场所卫生许可" in page and "撤回授权" in page
    assert LicenceShare.objects.get().department == world.health


def test_an_expired_licence_offers_no_share_form(client, world, licence_type):
    today = timezone.localdate()
    expired = make_licence(
        world,
        licence_type,
        issued_on=today - dt.timedelta(days=900),
        valid_until=today - dt.timedelta(days=1),
    )
    holder = signed_in(client, world.applicant)
    page = text(holder.get(reverse("licences:wallet-licence", args=[expired.pk])))
    assert "已过期" in page and "不能授权" in page and "授权使用" not in page
    refused = holder.post(
        reverse("licences:wallet-share", args=[expired.pk]),
        {"department": world.market.pk, "purpose": "核验", "days": 30},
    )
    assert refused.status_code == 409
    assert not LicenceShare.objects.exists()


def test_withdrawing_from_the_detail_page(client, world, licence):
    grant = sharing.share(licence, world.applicant, department=world.market, purpose="核验")
    other = signed_in(client, world.other_applicant)
    url = reverse("licences:wallet-withdraw-share", args=[licence.pk, grant.pk])
    assert other.post(url).status_code == 404
    page = text(signed_in(client, world.applicant).post(url, follow=True))
    assert "已撤回" in page
    grant.refresh_from_db()
    assert grant.revoked_at is not None


# -- the department's side ------------------------------------------------------------------------
def test_staff_open_a_shared_licence_stating_why_and_the_holder_sees_it(client, world, licence):
    world.market_reviewer.real_name = "陈审查"
    world.market_reviewer.save()
    grant = sharing.share(licence, world.applicant, department=world.market, purpose="核验资格")
    staff = signed_in(client, world.market_reviewer)
    listing = text(staff.get(reverse("licences:shared-with-me")))
    assert licence.number in listing and "说明用途并查看" in listing

    use_url = reverse("licences:shared-use", args=[grant.pk])
    blank = staff.post(use_url, {f"s{grant.pk}-purpose": " "})
    assert blank.status_code == 400 and "请写明用途" in text(blank)
    assert not LicenceUse.objects.exists() and not PersonalDataAccess.objects.exists()

    opened = staff.post(use_url, {f"s{grant.pk}-purpose": "审查食品经营许可变更申请"})
    assert opened.status_code == 302
    record = LicenceUse.objects.get()
    result = staff.get(opened["Location"])
    assert result.status_code == 200
    assert licence.number in text(result) and "持证人可以看到" in text(result)
    download = staff.get(reverse("licences:use-pdf", args=[record.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF_BYTES

    detail = text(
        signed_in(client, world.applicant).get(
            reverse("licences:wallet-licence", args=[licence.pk])
        )
    )
    assert "用证记录" in detail
    assert "审查食品经营许可变更申请" in detail
    assert world.market.name in detail and "陈审查" in detail
    assert world.market_reviewer.username not in detail
    assert "持证人授权查验" in detail


def test_a_use_page_belongs_to_its_user_for_an_hour(client, world, licence):
    sharing.share(licence, world.applicant, department=world.market, purpose="核验")
    record = sharing.use(
        licence, world.market_reviewer, department=world.market, purpose="核验", channel="page"
    )
    url = reverse("licences:use-result", args=[record.pk])
    assert signed_in(client, world.market_approver).get(url).status_code == 404
    staff = signed_in(client, world.market_reviewer)
    assert staff.get(url).status_code == 200
    LicenceUse.objects.filter(pk=record.pk).update(at=timezone.now() - dt.timedelta(hours=2))
    assert staff.get(url).status_code == 404
    assert staff.get(reverse("licences:use-pdf", args=[record.pk])).status_code == 404


def test_other_departments_do_not_see_or_open_the_share(client, world, licence):
    grant = sharing.share(licence, world.applicant, department=world.market, purpose="核验")
    staff = signed_in(client, world.health_reviewer)
    assert licence.number not in text(staff.get(reverse("licences:shared-with-me")))
    response = staff.post(
        reverse("licences:shared-use", args=[grant.pk]), {f"s{grant.pk}-purpose": "核验"}
    )
    assert response.status_code == 404
    assert not LicenceUse.objects.exists()


def test_a_withdrawn_share_disappears_from_the_department(client, world, licence):
    grant = sharing.share(licence, world.applicant, department=world.market, purpose="核验")
    sharing.withdraw(grant, world.applicant)
    staff = signed_in(client, world.market_reviewer)
    assert licence.number not in text(staff.get(reverse("licences:shared-with-me")))
    response = staff.post(
        reverse("licences:shared-use", args=[grant.pk]), {f"s{grant.pk}-purpose": "核验"}
    )
    assert response.status_code == 404
    assert not LicenceUse.objects.exists()


def test_applicants_are_turned_away_from_the_department_page(client, world):
    response = signed_in(client, world.applicant).get(reverse("licences:shared-with-me"))
    assert response.status_code == 403
