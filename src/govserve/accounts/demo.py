"""Demo accounts: one post of each kind in 四川省 — 广安市 — 广安区, and a citizen.

Created through the same services an administrator uses, so the grants obey the scope rules.
Passwords are printed by `load_demo`; change them before any real use.
"""

from __future__ import annotations

from django.db import transaction
from stdnum.cn import ric

from govserve.regions.models import Department, Region

from . import services
from .models import Role, User

DEMO_PASSWORD = "Govserve-demo-2026"


def _resident_id(region: str, birth: str, seq: str) -> str:
    body = f"{region}{birth}{seq}"
    return body + ric.calc_check_digit(body + "0")  # stdnum ignores the last character


# (username, name, region code, department name or "", role, covers subtree)
STAFF = [
    ("sc-sysadmin", "四川省系统管理员", "510000000000", "", Role.SYSTEM_ADMIN, True),
    ("ga-catalog", "广安区事项目录管理员", "511602000000", "", Role.CATALOG_ADMIN, False),
    ("ga-clerk", "广安区综合窗口受理员", "511602000000", "", Role.COUNTER_CLERK, False),
    (
        "ga-reviewer",
        "广安区行政审批局审查员",
        "511602000000",
        "广安市广安区行政审批局",
        Role.REVIEWER,
        False,
    ),
    (
        "ga-approver",
        "广安区行政审批局负责人",
        "511602000000",
        "广安市广安区行政审批局",
        Role.APPROVER,
        False,
    ),
    ("gac-supervisor", "广安市监察员", "511600000000", "", Role.SUPERVISOR, True),
    # The other departments of 开办餐饮店一件事, so a bundle can be reviewed in parallel end to end.
    (
        "ga-health-reviewer",
        "广安区卫生健康局审查员",
        "511602000000",
        "广安市广安区卫生健康局",
        Role.REVIEWER,
        False,
    ),
    (
        "ga-housing-reviewer",
        "广安区住房和城乡建设局审查员",
        "511602000000",
        "广安市广安区住房和城乡建设局",
        Role.REVIEWER,
        False,
    ),
    (
        "ga-cityadmin-reviewer",
        "广安区综合行政执法局审查员",
        "511602000000",
        "广安市广安区综合行政执法局",
        Role.REVIEWER,
        False,
    ),
]


@transaction.atomic
def ensure_demo_accounts(admin: User) -> list[tuple[str, str]]:
    """The demo posts and citizen; returns (login, what it is) for each one created now."""
    created: list[tuple[str, str]] = []
    regions = {r.code: r for r in Region.objects.filter(code__in={s[2] for s in STAFF})}
    for username, name, code, dept_name, role, subtree in STAFF:
        if User.objects.filter(username=username).exists():
            continue
        region = regions[code]
        department = (
            Department.objects.filter(region=region, name=dept_name).first() if dept_name else None
        )
        user = services.create_staff(
            by=admin,
            username=username,
            real_name=name,
            password=DEMO_PASSWORD,
            region=region,
            department=department,
        )
        services.grant_role(
            granter=admin,
            user=user,
            role=role,
            region=region,
            department=department,
            covers_subtree=subtree,
            reason="演示岗位",
        )
        created.append((username, f"{name}（{Role(role).label}）"))
    if not User.objects.filter(mobile="13800000001").exists():
        services.register_person(
            real_name="张三",
            id_number=_resident_id("511602", "19900307", "123"),
            mobile="13800000001",
            password=DEMO_PASSWORD,
        )
        created.append(("13800000001", "演示群众 张三"))
    return created
