"""Account pages with the Django test client: registration and its refusals, the profile,
businesses and their agents, staff and role management, the logged full view of an ID
number, the security log, the staff workbench; ID numbers masked everywhere else."""

import pytest
from stdnum.cn import ric

from govserve.accounts.models import (
    AccountType,
    AssuranceLevel,
    Organisation,
    PersonalDataAccess,
    Representation,
    RoleGrant,
    SecurityEvent,
    User,
)
from tests.accounts.factories import PersonFactory, make_company_uscc, make_resident_id
from tests.accounts.worlds import PASSWORD, make_staff
from tests.catalog.factories import BasicItemFactory, ImplementationItemFactory

pytestmark = pytest.mark.django_db

GOOD = {
    "real_name": "王小明",
    "id_number": make_resident_id(123, birth="19880512"),
    "mobile": "13911112222",
    "password1": "Sunny-garden-7",
    "password2": "Sunny-garden-7",
}


def with_check(body17: str) -> str:
    return body17 + ric.calc_check_digit(body17 + "0")


def html_of(response) -> str:
    return response.content.decode()


# -- registration ---------------------------------------------------------------------------
def test_registration_happy_path(client, places):
    response = client.post("/accounts/register/", GOOD, follow=True)
    assert response.redirect_chain == [("/accounts/login/", 302)]
    assert "注册成功" in html_of(response)
    user = User.objects.get(id_number=GOOD["id_number"])
    assert user.real_name == "王小明" and user.mobile == "13911112222"
    assert user.account_type == AccountType.PERSON
    assert user.assurance_level == AssuranceLevel.SELF_DECLARED
    assert user.check_password("Sunny-garden-7")
    # and the new account signs in with its ID number
    login = client.post(
        "/accounts/login/", {"username": GOOD["id_number"], "password": "Sunny-garden-7"}
    )
    assert login.status_code == 302
    profile = html_of(client.get("/accounts/profile/"))
    assert "王小明" in profile and "自行申报" in profile and GOOD["id_number"] not in profile


def test_registration_page_is_labelled_and_chinese(client):
    html = html_of(client.get("/accounts/register/"))
    for field, label in [
        ("real_name", "姓名"),
        ("id_number", "身份证号码"),
        ("mobile", "手机号码"),
        ("password1", "密码"),
        ("password2", "确认密码"),
    ]:
        assert f'<label for="id_{field}">{label}' in html
    assert 'aria-describedby="id_id_number_helptext"' in html


BAD_INPUTS = {
    "invalid_checksum": (
        {"id_number": GOOD["id_number"][:17] + ("0" if GOOD["id_number"][17] != "0" else "1")},
        "id_number",
        "校验码错误",
    ),
    "mismatched_birth_date": (
        {"id_number": with_check("51160219900230123")},
        "id_number",
        "出生日期无效",
    ),
    "unknown_region_code": (
        {"id_number": with_check("99160219900307123")},
        "id_number",
        "地区码无效",
    ),
    "short_id": ({"id_number": "5116021990"}, "id_number", "长度应为18位"),
    "bad_mobile": ({"mobile": "12345"}, "mobile", "手机号码"),
    "weak_password_numeric": (
        {"password1": "20240101", "password2": "20240101"},
        "password1",
        "密码",
    ),
    "short_password": ({"password1": "Ab1", "password2": "Ab1"}, "password1", "8"),
    "password_without_digits": (
        {"password1": "Sunny-garden", "password2": "Sunny-garden"},
        "password1",
        "字母和数字",
    ),
    "passwords_differ": ({"password2": "Sunny-garden-8"}, "password2", "两次输入的密码不一致"),
    "missing_name": ({"real_name": ""}, "real_name", "请填写姓名"),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_registration_refuses_bad_input_field_by_field(client, places, case):
    changes, field, message = BAD_INPUTS[case]
    before = User.objects.count()
    response = client.post("/accounts/register/", {**GOOD, **changes})
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors, form.errors
    assert any(message in m for m in form.errors[field]), form.errors[field]
    html = html_of(response)
    assert f'id="id_{field}_error"' in html and 'aria-invalid="true"' in html
    assert User.objects.count() == before


@pytest.mark.parametrize("duplicate", ["id_number", "mobile"])
def test_registration_refuses_a_duplicate(client, citizen, duplicate):
    data = {**GOOD, duplicate: getattr(citizen, duplicate)}
    before = User.objects.count()
    response = client.post("/accounts/register/", data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any("已注册" in m for m in errors[duplicate])
    assert User.objects.count() == before


def test_password_similar_to_the_mobile_is_refused(client, places):
    data = {**GOOD, "password1": "a13911112222", "password2": "a13911112222"}
    response = client.post("/accounts/register/", data)
    assert "password1" in response.context["form"].errors
    assert not User.objects.filter(mobile=GOOD["mobile"]).exists()


# -- sign-in requirements ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        "/accounts/profile/",
        "/accounts/business/",
        "/accounts/workbench/",
        "/accounts/staff/",
        "/accounts/security-log/",
        "/accounts/password/",
        "/accounts/totp/",
    ],
)
def test_pages_ask_anonymous_visitors_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


def test_header_shows_login_or_profile_links(client, citizen):
    html = html_of(client.get("/"))
    assert 'href="/accounts/login/"' in html and 'href="/accounts/register/"' in html
    client.force_login(citizen)
    html = html_of(client.get("/"))
    assert 'href="/accounts/profile/"' in html and 'action="/accounts/logout/"' in html
    assert 'href="/accounts/workbench/"' not in html


# -- businesses and agents ------------------------------------------------------------------------
def test_citizen_registers_a_business_and_authorises_an_agent(client, citizen, other_citizen):
    client.force_login(citizen)
    uscc = make_company_uscc(77)
    response = client.post(
        "/accounts/business/", {"uscc": uscc, "name": "广安市好味食品有限公司", "kind": "2"}
    )
    org = Organisation.objects.get(uscc=uscc)
    assert response.status_code == 302 and response["Location"] == f"/accounts/business/{org.pk}/"
    assert Representation.objects.get(organisation=org).person == citizen

    response = client.post(
        f"/accounts/business/{org.pk}/agents/", {"identifier": other_citizen.id_number}
    )
    assert response.status_code == 302
    agent_rep = Representation.objects.get(organisation=org, kind="agent")
    assert agent_rep.person == other_citizen and agent_rep.granted_by == citizen
    detail = html_of(client.get(f"/accounts/business/{org.pk}/"))
    assert other_citizen.real_name in detail and other_citizen.id_number not in detail
    assert "已授权" in detail
    assert other_citizen.real_name in html_of(client.get("/accounts/profile/"))  # 我的授权

    # the agent sees the business on their profile, and cannot authorise anyone
    client.force_login(other_citizen)
    profile = html_of(client.get("/accounts/profile/"))
    assert "广安市好味食品有限公司" in profile and "授权代理人" in profile
    third = PersonFactory(username="13600000009")
    response = client.post(f"/accounts/business/{org.pk}/agents/", {"identifier": third.mobile})
    assert response.status_code == 403
    assert "只有该法人的现任法定代表人可以授权代理人" in html_of(response)
    assert not Representation.objects.filter(person=third).exists()

    # the legal representative revokes the authorisation
    client.force_login(citizen)
    response = client.post(f"/accounts/representations/{agent_rep.pk}/revoke/", follow=True)
    assert response.redirect_chain == [(f"/accounts/business/{org.pk}/", 302)]
    assert "已撤销 李四 对“广安市好味食品有限公司”的代理授权" in html_of(response)
    agent_rep.refresh_from_db()
    assert agent_rep.revoked_at is not None
    client.force_login(other_citizen)
    assert "广安市好味食品有限公司" not in html_of(client.get("/accounts/profile/"))
    assert client.get(f"/accounts/business/{org.pk}/").status_code == 404
    kinds = list(
        SecurityEvent.objects.filter(kind=SecurityEvent.Kind.REPRESENTATION).values_list(
            "detail__action", flat=True
        )
    )
    assert sorted(kinds) == ["authorised", "registered", "revoked"]


def test_business_registration_refuses_bad_codes(client, citizen):
    client.force_login(citizen)
    response = client.post(
        "/accounts/business/", {"uscc": "91511602MA00000000", "name": "某公司", "kind": "2"}
    )
    assert response.status_code == 200
    assert "uscc" in response.context["form"].errors
    assert "统一社会信用代码" in html_of(response)
    assert not Organisation.objects.exists()


def test_authorising_an_unknown_person_is_refused(client, citizen):
    client.force_login(citizen)
    uscc = make_company_uscc(78)
    client.post("/accounts/business/", {"uscc": uscc, "name": "某公司", "kind": "2"})
    org = Organisation.objects.get(uscc=uscc)
    response = client.post(f"/accounts/business/{org.pk}/agents/", {"identifier": "13000000000"})
    assert response.status_code == 200
    assert "未找到" in response.context["agent_form"].errors["identifier"][0]
    assert Representation.objects.filter(organisation=org).count() == 1


def test_another_persons_business_is_not_found(client, citizen, other_citizen):
    client.force_login(citizen)
    uscc = make_company_uscc(79)
    client.post("/accounts/business/", {"uscc": uscc, "name": "某公司", "kind": "2"})
    org = Organisation.objects.get(uscc=uscc)
    client.force_login(other_citizen)
    assert client.get(f"/accounts/business/{org.pk}/").status_code == 404
    assert (
        client.post(
            f"/accounts/business/{org.pk}/agents/", {"identifier": other_citizen.mobile}
        ).status_code
        == 404
    )


def test_staff_accounts_have_no_business_pages(client, county_admin):
    client.force_login(county_admin)
    assert client.get("/accounts/business/").status_code == 403


# -- staff administration ------------------------------------------------------------------------
def test_admin_lists_only_staff_in_scope(client, places, county_admin):
    make_staff("ga-clerk", "clerk", places.county, real_name="广安区窗口")
    make_staff("qf-clerk", "clerk", places.sibling, real_name="前锋区窗口")
    client.force_login(county_admin)
    html = html_of(client.get("/accounts/staff/"))
    assert "广安区窗口" in html and "前锋区窗口" not in html


def test_admin_creates_staff_with_pickers_limited_to_scope(client, places, county_admin):
    client.force_login(county_admin)
    page = client.get("/accounts/staff/new/")
    choices = [code for code, _label in page.context["form"].fields["region"].widget.choices]
    assert (
        places.county.code in choices
        and places.city.code not in choices
        and places.sibling.code not in choices
    )
    departments = [pk for pk, _label in page.context["form"].fields["department"].widget.choices]
    assert str(places.market.pk) in departments and str(places.sibling_market.pk) not in departments

    data = {
        "username": "ga-new",
        "real_name": "新同事",
        "region": places.county.code,
        "department": str(places.market.pk),
        "password1": "Fresh-start-9",
        "password2": "Fresh-start-9",
    }
    response = client.post("/accounts/staff/new/", data)
    staff = User.objects.get(username="ga-new")
    assert response.status_code == 302 and response["Location"] == f"/accounts/staff/{staff.pk}/"
    assert staff.account_type == AccountType.STAFF and staff.department == places.market

    # a region outside the administrator's scope, forged into the form, is refused with the reason
    response = client.post(
        "/accounts/staff/new/",
        {**data, "username": "qf-new", "region": places.sibling.code, "department": ""},
    )
    assert response.status_code == 403
    assert "超出您的管理区划" in html_of(response)
    assert not User.objects.filter(username="qf-new").exists()


def test_role_grant_inside_scope_is_made_and_logged(client, places, county_admin):
    staff = make_staff("ga-rev", None, places.county, real_name="审查员")
    client.force_login(county_admin)
    response = client.post(
        f"/accounts/staff/{staff.pk}/grants/",
        {
            "role": "reviewer",
            "region": places.county.code,
            "department": str(places.market.pk),
            "reason": "岗位调整",
        },
    )
    assert response.status_code == 302
    grant = RoleGrant.objects.get(user=staff)
    assert (
        grant.role == "reviewer"
        and grant.department == places.market
        and grant.granted_by == county_admin
    )
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.ROLE_GRANTED, user=staff).exists()

    response = client.post(f"/accounts/grants/{grant.pk}/revoke/")
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.revoked_at is not None
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.ROLE_REVOKED, user=staff).exists()


def test_role_grant_outside_the_granters_region_is_refused_on_the_page(
    client, places, county_admin
):
    staff = make_staff("ga-sup", None, places.county, real_name="监察员")
    client.force_login(county_admin)
    response = client.post(
        f"/accounts/staff/{staff.pk}/grants/", {"role": "supervisor", "region": places.city.code}
    )
    assert response.status_code == 403
    html = html_of(response)
    assert "您无权管理“四川省广安市”：超出您的管理区划" in html
    assert 'role="alert"' in html
    # and a subtree grant the administrator's own grant does not cover
    response = client.post(
        f"/accounts/staff/{staff.pk}/grants/",
        {"role": "supervisor", "region": places.county.code, "covers_subtree": "on"},
    )
    assert response.status_code == 403 and "下级区划授权" in html_of(response)
    assert not RoleGrant.objects.filter(user=staff).exists()
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.ROLE_GRANTED).exists()


def test_reviewer_grant_without_department_is_refused_field_by_field(client, places, county_admin):
    staff = make_staff("ga-rev", None, places.county)
    client.force_login(county_admin)
    response = client.post(
        f"/accounts/staff/{staff.pk}/grants/", {"role": "reviewer", "region": places.county.code}
    )
    assert response.status_code == 200
    assert "须按部门授予" in response.context["form"].errors["department"][0]
    assert not RoleGrant.objects.filter(user=staff).exists()


def test_staff_outside_scope_are_not_found(client, places, county_admin):
    other = make_staff("qf-clerk", "clerk", places.sibling)
    client.force_login(county_admin)
    assert client.get(f"/accounts/staff/{other.pk}/").status_code == 404
    grant = RoleGrant.objects.get(user=other)
    assert client.post(f"/accounts/grants/{grant.pk}/revoke/").status_code == 404
    grant.refresh_from_db()
    assert grant.revoked_at is None


@pytest.mark.parametrize(
    "url", ["/accounts/staff/", "/accounts/staff/new/", "/accounts/security-log/"]
)
def test_admin_pages_refuse_other_staff_and_citizens(client, places, citizen, url):
    clerk = make_staff("ga-clerk", "clerk", places.county)
    for user in (clerk, citizen):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 403
        assert "无权访问" in html_of(response)


# -- security log ------------------------------------------------------------------------------
def test_security_log_lists_logins_and_failures_masked(client, places, county_admin, citizen):
    clerk = make_staff("ga-clerk", "clerk", places.county, mobile="13500001111")
    client.post("/accounts/login/", {"username": "ga-clerk", "password": "bad-Passw0rd"})
    client.post("/accounts/login/", {"username": "ga-clerk", "password": PASSWORD})
    client.post("/accounts/logout/")
    client.post("/accounts/login/", {"username": citizen.mobile, "password": PASSWORD})
    client.post("/accounts/logout/")

    client.force_login(county_admin)
    html = html_of(client.get("/accounts/security-log/"))
    assert "登录失败" in html and "登录" in html and "退出" in html
    assert "ga-clerk" in html
    # a county administrator sees the staff of the county, not citizens' logins
    assert "138****5678" not in html and citizen.mobile not in html
    filtered = html_of(client.get("/accounts/security-log/?kind=login_failed"))
    assert filtered.count("<tr>") == 2  # header + the one failure
    assert clerk.mobile not in html


def test_province_admin_sees_every_event_masked(client, places, province_admin, citizen):
    client.post("/accounts/login/", {"username": citizen.mobile, "password": PASSWORD})
    client.force_login(province_admin)
    html = html_of(client.get("/accounts/security-log/"))
    assert "138****5678" in html
    assert citizen.mobile not in html


# -- personal data masked, shown in full only through the logged view ------------------------------
def test_id_numbers_are_masked_on_every_page(client, places, county_admin, citizen, other_citizen):
    clerk = make_staff(
        "ga-clerk",
        "clerk",
        places.county,
        real_name="窗口人员",
        mobile="13500001111",
        id_number=make_resident_id(555),
    )
    uscc = make_company_uscc(90)
    client.force_login(citizen)
    client.post("/accounts/business/", {"uscc": uscc, "name": "某某商行", "kind": "2"})
    org = Organisation.objects.get(uscc=uscc)
    client.post(f"/accounts/business/{org.pk}/agents/", {"identifier": other_citizen.mobile})
    secrets = [
        citizen.id_number,
        citizen.mobile,
        other_citizen.id_number,
        other_citizen.mobile,
        clerk.id_number,
        clerk.mobile,
    ]

    def assert_masked(url, user, method="get", data=None):
        client.force_login(user)
        response = getattr(client, method)(url, data or {})
        assert response.status_code == 200, url
        html = html_of(response)
        for secret in secrets:
            assert secret not in html, f"{secret} in {url}"
        return html

    html = assert_masked("/accounts/profile/", citizen)
    assert citizen.id_number[:4] + "**********" + citizen.id_number[-4:] in html
    assert citizen.mobile[:3] + "****" + citizen.mobile[-4:] in html
    assert_masked("/accounts/business/", citizen)
    assert_masked(f"/accounts/business/{org.pk}/", citizen)
    assert_masked("/accounts/profile/", other_citizen)
    assert_masked(f"/accounts/business/{org.pk}/", other_citizen)
    assert_masked("/accounts/staff/", county_admin)
    assert_masked(f"/accounts/staff/{clerk.pk}/", county_admin)
    assert_masked("/accounts/security-log/", county_admin)
    assert_masked("/accounts/workbench/", clerk)
    assert_masked("/accounts/profile/", clerk)
    html = assert_masked("/accounts/people/", clerk, "post", {"q": citizen.id_number})
    assert "张三" in html and f"/accounts/people/{citizen.pk}/reveal/" in html
    assert_masked(f"/accounts/people/{citizen.pk}/reveal/", clerk)
    assert_masked(f"/accounts/people/{citizen.pk}/reveal/", county_admin)
    assert not PersonalDataAccess.objects.exists()


def test_full_id_number_only_through_the_logged_view(client, places, county_admin, citizen):
    client.force_login(county_admin)
    url = f"/accounts/people/{citizen.pk}/reveal/"
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and "请说明查看理由" in html_of(response)
    assert citizen.id_number not in html_of(response)
    assert not PersonalDataAccess.objects.exists()

    response = client.post(url, {"reason": "核对办件材料"})
    assert response.status_code == 200
    html = html_of(response)
    assert citizen.id_number in html and citizen.mobile in html
    assert "本次查看已记录" in html
    access = PersonalDataAccess.objects.get()
    assert (access.viewer, access.subject, access.reason, access.channel) == (
        county_admin,
        citizen,
        "核对办件材料",
        "page",
    )
    assert response["Cache-Control"].startswith("max-age=0")


def test_counter_clerk_sees_the_full_number_only_while_verifying(client, places, citizen):
    clerk = make_staff("ga-clerk", "clerk", places.county)
    client.force_login(clerk)
    url = f"/accounts/people/{citizen.pk}/reveal/"
    response = client.post(url, {"reason": "窗口办理"})
    assert response.status_code == 403
    assert "您无权查看该用户的完整个人信息" in html_of(response)
    assert citizen.id_number not in html_of(response)
    assert not PersonalDataAccess.objects.exists()
    response = client.post(url, {"reason": "窗口现场核验身份", "verifying": "1"})
    assert response.status_code == 200 and citizen.id_number in html_of(response)
    assert PersonalDataAccess.objects.count() == 1


def test_staff_without_people_roles_cannot_look_people_up(client, places, citizen):
    admin = make_staff("ga-cat", "catalog_admin", places.county)
    client.force_login(admin)
    assert client.get("/accounts/people/").status_code == 403
    assert client.get(f"/accounts/people/{citizen.pk}/reveal/").status_code == 404


def test_citizens_cannot_see_other_peoples_data(client, citizen, other_citizen):
    client.force_login(citizen)
    assert client.get(f"/accounts/people/{other_citizen.pk}/reveal/").status_code == 403


# -- staff workbench ------------------------------------------------------------------------------
def test_workbench_lists_the_items_of_the_staff_members_department_only(client, places):
    market_item = ImplementationItemFactory(
        basic_item=BasicItemFactory(code="510121001000", name="食品经营许可"),
        department=places.market,
    )
    health_item = ImplementationItemFactory(
        basic_item=BasicItemFactory(code="510121003000", name="公共场所卫生许可"),
        department=places.health,
    )
    sibling_item = ImplementationItemFactory(
        basic_item=BasicItemFactory(code="510121004000", name="药品零售企业许可"),
        department=places.sibling_market,
    )

    reviewer = make_staff("ga-rev", "reviewer", places.county, department=places.market)
    client.force_login(reviewer)
    html = html_of(client.get("/accounts/workbench/"))
    assert market_item.name in html
    assert health_item.name not in html and sibling_item.name not in html

    # a counter clerk covers every department of the county, not the neighbouring county
    clerk = make_staff("ga-clerk", "clerk", places.county)
    client.force_login(clerk)
    html = html_of(client.get("/accounts/workbench/"))
    assert market_item.name in html and health_item.name in html and sibling_item.name not in html

    # a city supervisor with the subtree sees both counties
    supervisor = make_staff("city-sup", "supervisor", places.city, covers_subtree=True)
    client.force_login(supervisor)
    html = html_of(client.get("/accounts/workbench/"))
    assert all(item.name in html for item in (market_item, health_item, sibling_item))


def test_workbench_agrees_with_the_policies(client, places):
    from govserve.accounts import policies
    from govserve.accounts.views import workbench_items_q
    from govserve.catalog.models import ImplementationItem

    for n, dept in enumerate(
        [places.market, places.health, places.sibling_market, places.city_market]
    ):
        ImplementationItemFactory(
            basic_item=BasicItemFactory(code=f"51012100{n}000"), department=dept
        )
    for user in (
        make_staff("a", "reviewer", places.county, department=places.market),
        make_staff("b", "clerk", places.county),
        make_staff("c", "supervisor", places.city, covers_subtree=True),
        make_staff("d", "approver", places.city, department=places.city_market),
    ):
        listed = set(
            ImplementationItem.objects.filter(workbench_items_q(user)).values_list("pk", flat=True)
        )
        allowed = {
            item.pk
            for item in ImplementationItem.objects.select_related("region")
            if policies.can_read_scoped(user, department_id=item.department_id, region=item.region)
        }
        assert listed == allowed, user.username


def test_admin_gives_temporary_access_to_personal_data(client, places, county_admin, citizen):
    import datetime as dt

    from django.utils import timezone

    reviewer = make_staff(
        "ga-rev", "reviewer", places.county, department=places.market, real_name="审查员"
    )
    client.force_login(reviewer)
    url = f"/accounts/people/{citizen.pk}/reveal/"
    assert client.post(url, {"reason": "材料核对"}).status_code == 403

    client.force_login(county_admin)
    page = html_of(client.get(f"/accounts/staff/{reviewer.pk}/"))
    assert page.count('id="id_reason"') == 1 and page.count('id="id_data-reason"') == 1
    too_long = (timezone.localdate() + dt.timedelta(days=120)).isoformat()
    response = client.post(
        f"/accounts/staff/{reviewer.pk}/data-grants/",
        {"data-reason": "专项核查", "data-valid_until": too_long},
    )
    assert response.status_code == 200
    assert "最长90天" in " ".join(response.context["data_form"].errors["valid_until"])
    until = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    response = client.post(
        f"/accounts/staff/{reviewer.pk}/data-grants/",
        {"data-reason": "专项核查", "data-valid_until": until},
    )
    assert response.status_code == 302
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.DATA_GRANT, user=reviewer).exists()
    assert "专项核查" in html_of(client.get(f"/accounts/staff/{reviewer.pk}/"))

    client.force_login(reviewer)
    response = client.post(url, {"reason": "材料核对"})
    assert response.status_code == 200 and citizen.id_number in html_of(response)
    assert PersonalDataAccess.objects.get().viewer == reviewer
