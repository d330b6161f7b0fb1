"""Accounts in a real browser (chromium, headless): a citizen registers, logs in, registers
their business and authorises another citizen as agent, who then sees the business; a staff
member logs in and sees only their department's items.

Screenshots: /tmp/acc-register.png, /tmp/acc-register-errors.png, /tmp/acc-profile.png,
/tmp/acc-business.png, /tmp/acc-agent-profile.png, /tmp/acc-workbench.png,
/tmp/acc-workbench-phone.png, /tmp/acc-login-phone.png, /tmp/acc-grant-refused.png,
/tmp/acc-security-log.png, /tmp/acc-totp.png.
"""

import re

import pytest
from playwright.sync_api import expect

from govserve.accounts.models import Organisation, Representation, RoleGrant
from tests.accounts.factories import (
    PersonFactory,
    StaffFactory,
    make_company_uscc,
    make_resident_id,
)
from tests.catalog.factories import BasicItemFactory, ImplementationItemFactory
from tests.regions.factories import DepartmentFactory, RegionFactory, make_uscc, sichuan_tree

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Ga2024-service"
UNLABELLED = """[...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
    .filter(el => el.labels.length === 0 && !el.getAttribute('aria-label'))
    .map(el => el.name)"""


def assert_all_labelled(page):
    assert page.evaluate(UNLABELLED) == [], page.url


def log_in(page, base, name, password=PASSWORD):
    page.goto(base + "/accounts/login/")
    page.get_by_label(re.compile("^用户名 / 手机号码 / 身份证号码")).fill(name)
    page.get_by_label(re.compile("^密码")).fill(password)
    page.get_by_role("button", name="登录", exact=True).click()


def log_out(page):
    page.locator(".account-links").get_by_role("button", name="退出", exact=True).click()
    page.wait_for_url(re.compile(r"/$"))


def test_citizen_registers_business_and_authorises_an_agent(live_server, web_page):
    sichuan_tree()
    agent = PersonFactory(username="13987654321", real_name="李四", id_number=make_resident_id(42))
    base = live_server.url
    page = web_page

    # 注册: one bad field first, then the right one
    page.goto(base + "/")
    page.locator(".account-links").get_by_role("link", name="注册").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("注册个人账户")
    assert_all_labelled(page)
    id_number = make_resident_id(7, birth="19850612")
    page.get_by_label(re.compile("^姓名")).fill("王小明")
    page.get_by_label(re.compile("^身份证号码")).fill(
        id_number[:17] + ("1" if id_number[17] != "1" else "2")
    )
    page.get_by_label(re.compile("^手机号码")).fill("13911112222")
    page.get_by_label(re.compile("^密码")).fill("Sunny-garden-7")
    page.get_by_label(re.compile("^确认密码")).fill("Sunny-garden-7")
    page.get_by_role("button", name="注册", exact=True).click()
    expect(page.locator("#id_id_number_error")).to_contain_text("校验码错误")
    expect(page.get_by_label(re.compile("^身份证号码"))).to_have_attribute("aria-invalid", "true")
    page.screenshot(path="/tmp/acc-register-errors.png", full_page=True)

    page.get_by_label(re.compile("^身份证号码")).fill(id_number)
    page.get_by_label(re.compile("^密码")).fill("Sunny-garden-7")
    page.get_by_label(re.compile("^确认密码")).fill("Sunny-garden-7")
    page.screenshot(path="/tmp/acc-register.png", full_page=True)
    page.get_by_role("button", name="注册", exact=True).click()
    page.wait_for_url("**/accounts/login/")
    expect(page.locator(".message")).to_contain_text("注册成功")

    # 登录 by mobile number
    log_in(page, base, "13911112222", "Sunny-garden-7")
    page.wait_for_url("**/accounts/profile/")
    expect(page.get_by_role("heading", level=1)).to_have_text("个人中心")
    profile = page.content()
    assert id_number not in profile and "13911112222" not in profile
    expect(page.locator(".kv")).to_contain_text(id_number[:4] + "**********" + id_number[-4:])
    expect(page.locator(".kv")).to_contain_text("自行申报")
    page.screenshot(path="/tmp/acc-profile.png", full_page=True)

    # 法人: register my business, then authorise 李四 by ID number
    page.get_by_role("navigation", name="账户导航").get_by_role("link", name="法人事务").click()
    assert_all_labelled(page)
    uscc = make_company_uscc(321)
    page.get_by_label(re.compile("^统一社会信用代码")).fill(uscc)
    page.get_by_label(re.compile("^法人名称")).fill("广安市好味食品有限公司")
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("广安市好味食品有限公司")
    assert_all_labelled(page)
    page.get_by_label(re.compile("^代理人身份证号码或手机号码")).fill(agent.id_number)
    page.get_by_role("button", name="授权", exact=True).click()
    expect(page.locator(".message")).to_contain_text("已授权 李四")
    reps = page.locator("table.data tbody tr")
    expect(reps).to_have_count(2)
    expect(reps.filter(has_text="李四")).to_contain_text("授权代理人")
    assert agent.id_number not in page.content()
    page.screenshot(path="/tmp/acc-business.png", full_page=True)

    org = Organisation.objects.get(uscc=uscc)
    assert Representation.objects.get(organisation=org, kind="agent").person == agent

    # the agent signs in with their ID number and sees the business
    log_out(page)
    log_in(page, base, agent.id_number)
    page.wait_for_url("**/accounts/profile/")
    orgs = page.locator("section", has=page.get_by_role("heading", name="我代表的法人"))
    expect(orgs).to_contain_text("广安市好味食品有限公司")
    expect(orgs).to_contain_text("授权代理人")
    page.screenshot(path="/tmp/acc-agent-profile.png", full_page=True)


def test_staff_member_sees_only_their_departments_items(live_server, web_page, chromium):
    _province, city, county, _town = sichuan_tree()
    market = DepartmentFactory(
        name="广安市广安区市场监督管理局", uscc=make_uscc(40000001), region=county
    )
    health = DepartmentFactory(
        name="广安市广安区卫生健康局", uscc=make_uscc(40000002), region=county
    )
    sibling = RegionFactory(
        code="511603000000", name="前锋区", full_name="四川省广安市前锋区", level=3, parent=city
    )
    sibling_market = DepartmentFactory(
        name="广安市前锋区市场监督管理局", uscc=make_uscc(40000003), region=sibling
    )
    ImplementationItemFactory(
        basic_item=BasicItemFactory(code="510121001000", name="食品经营许可"), department=market
    )
    ImplementationItemFactory(
        basic_item=BasicItemFactory(code="510121004000", name="药品零售企业许可"), department=market
    )
    ImplementationItemFactory(
        basic_item=BasicItemFactory(code="510121003000", name="公共场所卫生许可"), department=health
    )
    ImplementationItemFactory(
        basic_item=BasicItemFactory(code="510121005000", name="娱乐场所经营许可"),
        department=sibling_market,
    )
    reviewer = StaffFactory(
        username="ga-reviewer", real_name="赵审查", region=county, department=market
    )
    RoleGrant.objects.create(user=reviewer, role="reviewer", region=county, department=market)
    admin = StaffFactory(username="ga-admin", real_name="钱管理", region=county)
    RoleGrant.objects.create(user=admin, role="system_admin", region=county)
    base = live_server.url
    page = web_page

    log_in(page, base, "ga-reviewer")
    page.wait_for_url("**/accounts/profile/")
    page.locator(".account-links").get_by_role("link", name="工作台").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("工作台")
    rows = page.locator("table.workbench-items tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("广安市广安区市场监督管理局")
    names = page.locator("table.workbench-items tbody th").all_inner_texts()
    assert sorted(names) == sorted(["食品经营许可", "药品零售企业许可"])
    content = page.content()
    assert "公共场所卫生许可" not in content and "娱乐场所经营许可" not in content
    page.screenshot(path="/tmp/acc-workbench.png", full_page=True)
    # no administration pages for a reviewer
    page.goto(base + "/accounts/staff/")
    expect(page.get_by_role("heading", level=1)).to_have_text("无权访问")
    log_out(page)

    # the county's system administrator grants a role;
    # a grant for the city is refused with the reason
    log_in(page, base, "ga-admin")
    page.wait_for_url("**/accounts/profile/")
    page.get_by_role("navigation", name="账户导航").get_by_role("link", name="工作人员管理").click()
    page.get_by_role("link", name="赵审查").click()
    assert_all_labelled(page)
    region_options = page.locator("#id_region option").all_inner_texts()
    assert any("广安区" in o for o in region_options) and not any(
        "广安市" in o for o in region_options
    )
    page.get_by_label(re.compile("^角色")).select_option("supervisor")
    # a forged option for the city (outside the administrator's region)
    page.evaluate(
        """() => { const s = document.querySelector('#id_region');
                   s.add(new Option('广安市', '511600000000')); s.value = '511600000000'; }"""
    )
    page.get_by_role("button", name="授予", exact=True).click()
    expect(page.locator(".form-errors")).to_contain_text("超出您的管理区划")
    page.screenshot(path="/tmp/acc-grant-refused.png", full_page=True)
    assert not RoleGrant.objects.filter(user=reviewer, role="supervisor").exists()

    # the security log shows the logins above; the TOTP enrolment page draws its QR code inline
    page.get_by_role("navigation", name="账户导航").get_by_role("link", name="安全日志").click()
    log = page.locator("table.security-log tbody")
    expect(log).to_contain_text("ga-reviewer")
    expect(log).to_contain_text("登录")
    page.screenshot(path="/tmp/acc-security-log.png", full_page=True)
    page.get_by_role("navigation", name="账户导航").get_by_role("link", name="动态口令").click()
    expect(page.locator("figure.qr svg")).to_be_visible()
    assert_all_labelled(page)
    page.screenshot(path="/tmp/acc-totp.png", full_page=True)

    # phone-sized screenshots of the login page and the workbench
    phone = chromium.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True
    )
    try:
        small = phone.new_page()
        small.goto(base + "/accounts/login/")
        small.screenshot(path="/tmp/acc-login-phone.png", full_page=True)
        log_in(small, base, "ga-reviewer")
        small.wait_for_url("**/accounts/profile/")
        small.goto(base + "/accounts/workbench/")
        expect(small.locator("table.workbench-items tbody tr")).to_have_count(2)
        small.screenshot(path="/tmp/acc-workbench-phone.png", full_page=True)
    finally:
        phone.close()
