"""A small world for case tests: 广安区 with three departments, a single item, a bundle of
three items (one per department), a counter clerk, reviewers and approvers, an applicant.

`build_world()` is imported by the tests of other apps (workflow, licences, e2e); the `world`
fixture that calls it is in conftest.py beside this module."""

from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile

from govserve.accounts.models import RoleGrant
from govserve.catalog.models import Bundle, BundleItem, MaterialSource
from tests.accounts.factories import PersonFactory, StaffFactory
from tests.catalog.factories import ImplementationItemFactory, MaterialFactory
from tests.regions.factories import DepartmentFactory, make_uscc, sichuan_tree

# The smallest well-formed PDF: what a scanner or a browser would upload.
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/MediaBox[0 0 612 792]/Parent 2 0 R>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n"
    b"0000000052 00000 n \n0000000101 00000 n \n"
    b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n"
)
PNG_BYTES = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f0e0000000049454e44ae426082"
)


def pdf(name="scan.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def staff(username, role, region, department=None):
    user = StaffFactory(username=username, region=region, department=department)
    RoleGrant.objects.create(user=user, role=role, region=region, department=department)
    return user


def build_world() -> SimpleNamespace:
    province, city, county, town = sichuan_tree()
    market = DepartmentFactory(
        name="广安市广安区市场监督管理局",
        short_name="区市场监管局",
        region=county,
        uscc=make_uscc(30000001),
    )
    health = DepartmentFactory(
        name="广安市广安区卫生健康局",
        short_name="区卫健局",
        region=county,
        uscc=make_uscc(30000002),
    )
    fire = DepartmentFactory(
        name="广安市广安区消防救援大队",
        short_name="区消防大队",
        region=county,
        uscc=make_uscc(30000003),
    )
    item = ImplementationItemFactory(
        department=market,
        name="食品经营许可",
        implementation_code="11511602MB1234567X4000121001000",
        promised_limit_days=10,
    )
    id_card = MaterialFactory(item=item, name="申请人身份证明", order=1)
    floor_plan = MaterialFactory(item=item, name="经营场所平面图", order=2)
    MaterialFactory(item=item, name="营业执照", source=MaterialSource.GOVERNMENT_ISSUED, order=3)
    MaterialFactory(item=item, name="其他说明材料", required=False, order=4)
    health_item = ImplementationItemFactory(
        department=health, name="公共场所卫生许可", promised_limit_days=8
    )
    fire_item = ImplementationItemFactory(
        department=fire, name="公众聚集场所投入使用、营业前消防安全检查", promised_limit_days=5
    )
    MaterialFactory(item=health_item, name="申请人身份证明", order=1)
    MaterialFactory(item=health_item, name="卫生检测报告", order=2)
    MaterialFactory(item=fire_item, name="消防安全制度", order=1)
    bundle = Bundle.objects.create(
        code="GA-KAIFANDIAN",
        name="我要开饭店",
        kind="business",
        region=county,
        lead_department=market,
        promised_limit_days=15,
        published=True,
    )
    for n, it in enumerate([item, health_item, fire_item]):
        BundleItem.objects.create(bundle=bundle, item=it, order=n)
    return SimpleNamespace(
        province=province,
        city=city,
        county=county,
        town=town,
        market=market,
        health=health,
        fire=fire,
        item=item,
        health_item=health_item,
        fire_item=fire_item,
        bundle=bundle,
        id_card=id_card,
        floor_plan=floor_plan,
        applicant=PersonFactory(username="13900000001", real_name="王小明"),
        other_applicant=PersonFactory(username="13900000002", real_name="赵六"),
        clerk=staff("clerk", "clerk", county),
        market_reviewer=staff("market-reviewer", "reviewer", county, market),
        health_reviewer=staff("health-reviewer", "reviewer", county, health),
        fire_reviewer=staff("fire-reviewer", "reviewer", county, fire),
        market_approver=staff("market-approver", "approver", county, market),
        health_approver=staff("health-approver", "approver", county, health),
    )
