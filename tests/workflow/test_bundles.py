"""A bundle (一件事) runs a parent process generated for its departments: a parallel gateway
starts one review branch per department at once and joins them before the joint decision."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from govserve.cases import services as case_services
from govserve.cases.models import CaseState, Outcome
from govserve.catalog.models import Bundle, BundleItem
from govserve.workflow import bpmn, bundles, services
from govserve.workflow.models import (
    InstanceStatus,
    ProcessDefinition,
    ProcessInstance,
    ProcessKind,
    TaskRole,
)
from tests.cases.worlds import pdf, staff
from tests.catalog.factories import ImplementationItemFactory, MaterialFactory
from tests.regions.factories import DepartmentFactory
from tests.workflow import bpmn_samples as samples
from tests.workflow.worlds import accept, apply_bundle, on_commit, open_tasks

pytestmark = pytest.mark.django_db

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"


def complete(task, user, outcome, reasons=""):
    with on_commit():
        return services.complete_task(task, user, outcome=outcome, reasons=reasons)


def reviewers(world):
    return {
        world.market: world.market_reviewer,
        world.health: world.health_reviewer,
        world.fire: world.fire_reviewer,
    }


def gateways(xml: str) -> list[tuple[str, int, int]]:
    """(id, incoming, outgoing) of each parallel gateway, read from the XML itself."""
    process = ET.fromstring(xml.encode()).find(f"{BPMN}process")
    flows = process.findall(f"{BPMN}sequenceFlow")
    return [
        (
            gw.get("id"),
            sum(f.get("targetRef") == gw.get("id") for f in flows),
            sum(f.get("sourceRef") == gw.get("id") for f in flows),
        )
        for gw in process.findall(f"{BPMN}parallelGateway")
    ]


def apply_for(world, bundle, uploads):
    with on_commit():
        case, _created = case_services.apply(
            world.applicant, idempotency_key=None, bundle=bundle, uploads=uploads
        )
    return case


def the_item_uploads(world):
    """The food licence's two materials (the ID card counts for every item that asks for it)."""
    return [(world.id_card.pk, pdf("id.pdf")), (world.floor_plan.pk, pdf("plan.pdf"))]


# -- three departments: three branches at once ---------------------------------------------------
def test_a_bundle_of_three_departments_gets_three_review_tasks_at_once(world):
    case = accept(world, apply_bundle(world))
    definition = ProcessInstance.objects.get(case=case).definition
    assert (definition.key, definition.version, definition.kind) == (
        "bundle-GA-KAIFANDIAN",
        1,
        ProcessKind.BUNDLE,
    )
    tasks = open_tasks(case)
    assert len(tasks) == 3
    assert {t.department for t in tasks} == {world.market, world.health, world.fire}
    assert {(t.label, t.role) for t in tasks} == {("部门审查", TaskRole.REVIEWER)}
    assert {t.case_item.department_id for t in tasks} == {t.department_id for t in tasks}
    # the definition is a parent process: a parallel fork to three branches, and their join
    assert sorted(gateways(definition.bpmn_xml)) == [("fork", 1, 3), ("join", 3, 1)]
    assert "multiInstanceLoopCharacteristics" not in definition.bpmn_xml


def test_the_joint_decision_waits_for_all_three_and_one_denial_denies_the_bundle(world):
    case = accept(world, apply_bundle(world))
    people = reviewers(world)
    market, health, fire = (only_of(case, d) for d in (world.market, world.health, world.fire))
    complete(market, people[world.market], "approve")
    complete(health, people[world.health], "deny", "卫生检测报告已过有效期")
    case.refresh_from_db()
    assert case.state == CaseState.IN_REVIEW and case.outcome == ""  # fire still reviewing
    assert open_tasks(case) == [fire]
    complete(fire, people[world.fire], "approve")
    case.refresh_from_db()
    assert (case.state, case.outcome) == (CaseState.CLOSED, Outcome.DENIED)
    assert case.decision_reasons == f"{world.health.name}：卫生检测报告已过有效期"
    assert ProcessInstance.objects.get(case=case).status == InstanceStatus.COMPLETED


def only_of(case, department):
    (task,) = open_tasks(case, department=department, role=TaskRole.REVIEWER)
    return task


# -- a department with two items: one task, one conclusion for both --------------------------------
@pytest.fixture
def two_market_items(world):
    """我要开小吃店: two items of the market department and the fire brigade's."""
    snack = ImplementationItemFactory(department=world.market, name="小餐饮登记")
    MaterialFactory(item=snack, name="从业人员健康证明", order=1)
    bundle = Bundle.objects.create(
        code="GA-XIAOCHI",
        name="我要开小吃店",
        kind="business",
        region=world.county,
        lead_department=world.market,
        promised_limit_days=15,
        published=True,
    )
    for n, item in enumerate([world.item, snack, world.fire_item]):
        BundleItem.objects.create(bundle=bundle, item=item, order=n)
    uploads = [
        *the_item_uploads(world),
        (snack.materials.get().pk, pdf("health.pdf")),
        (world.fire_item.materials.get().pk, pdf("fire.pdf")),
    ]
    return bundle, uploads


def test_a_department_with_two_items_reviews_them_in_one_task(world, two_market_items):
    bundle, uploads = two_market_items
    case = accept(world, apply_for(world, bundle, uploads))
    assert case.case_items.filter(department=world.market).count() == 2
    tasks = open_tasks(case)
    assert sorted(t.department.name for t in tasks) == sorted([world.market.name, world.fire.name])
    market = only_of(case, world.market)
    assert market.case_item is None  # the department's task, for both its items
    complete(market, world.market_reviewer, "deny", "经营场所不符合食品安全要求")
    market_items = case.case_items.filter(department=world.market)
    assert {(ci.outcome, ci.reasons, ci.reviewed_by) for ci in market_items} == {
        (Outcome.DENIED, "经营场所不符合食品安全要求", world.market_reviewer)
    }
    complete(only_of(case, world.fire), world.fire_reviewer, "approve")
    case.refresh_from_db()
    assert (case.state, case.outcome) == (CaseState.CLOSED, Outcome.DENIED)
    # one conclusion of one department: its reasons once
    assert case.decision_reasons == f"{world.market.name}：经营场所不符合食品安全要求"


def test_the_department_task_is_in_that_departments_inbox_only(world, two_market_items):
    from govserve.workflow.selectors import inbox

    bundle, uploads = two_market_items
    case = accept(world, apply_for(world, bundle, uploads))
    assert [t.case for t in inbox(world.market_reviewer)] == [case]
    assert [t.department for t in inbox(world.fire_reviewer)] == [world.fire]
    assert list(inbox(world.health_reviewer)) == []


# -- versions follow the department set ------------------------------------------------------------
def test_a_new_department_set_makes_a_new_version_and_running_cases_keep_theirs(world):
    running = accept(world, apply_bundle(world))
    again = accept(world, apply_bundle(world))
    first = ProcessInstance.objects.get(case=running).definition
    assert ProcessInstance.objects.get(case=again).definition == first  # same set: reused

    housing = DepartmentFactory(name="广安市广安区住房和城乡建设局", region=world.county)
    sign = ImplementationItemFactory(department=housing, name="户外招牌设置审批")
    BundleItem.objects.create(bundle=world.bundle, item=sign, order=3)
    housing_reviewer = staff("housing-reviewer", "reviewer", world.county, housing)
    later = accept(world, apply_bundle(world))
    second = ProcessInstance.objects.get(case=later).definition
    assert (second.key, second.version) == (first.key, 2)
    assert sorted(gateways(second.bpmn_xml)) == [("fork", 1, 4), ("join", 4, 1)]
    assert len(open_tasks(later)) == 4
    assert ProcessDefinition.objects.filter(key=first.key).count() == 2

    # the running case keeps version 1 and finishes on its three branches
    assert ProcessInstance.objects.get(case=running).definition == first
    people = reviewers(world)
    for task in open_tasks(running):
        complete(task, people[task.department], "approve")
    running.refresh_from_db()
    assert running.outcome == Outcome.APPROVED
    complete(only_of(later, housing), housing_reviewer, "approve")
    assert len(open_tasks(later)) == 3  # the other departments of the new version still review


def test_the_generated_xml_depends_only_on_the_department_set():
    xml = bundles.bundle_xml([3, 1, 2, 1])
    assert xml == bundles.bundle_xml([1, 2, 3])
    assert bundles.content_hash(xml) != bundles.content_hash(bundles.bundle_xml([1, 2]))
    parsed = bpmn.parse(xml)  # the validation an upload gets
    reviews = [(tid, role) for tid, _name, role in parsed.user_tasks if role == "reviewer"]
    assert sorted(reviews) == [
        ("review_1", "reviewer"),
        ("review_2", "reviewer"),
        ("review_3", "reviewer"),
    ]
    assert {bpmn.task_department(parsed.spec.task_specs[f"review_{d}"]) for d in (1, 2, 3)} == {
        1,
        2,
        3,
    }


# -- an uploaded bundle process comes first --------------------------------------------------------
def test_a_bundle_process_uploaded_by_a_superuser_takes_precedence(world, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="x" * 12)
    xml = samples.with_condition('outcome == "approve"')  # 审查 (reviewer) → 决定 (approver)
    uploaded = services.upload_definition(root, key="default-bundle", bpmn_xml=xml)
    assert (uploaded.kind, uploaded.version) == (ProcessKind.BUNDLE, 1)
    case = accept(world, apply_bundle(world))
    assert ProcessInstance.objects.get(case=case).definition == uploaded
    assert [(t.label, t.department) for t in open_tasks(case)] == [("审查", world.market)]
    services.set_active(uploaded, root, active=False)
    generated = accept(world, apply_bundle(world))
    assert ProcessInstance.objects.get(case=generated).definition.key == "bundle-GA-KAIFANDIAN"


def test_the_department_task_page_lists_both_items_and_only_that_department_acts(
    client, world, two_market_items
):
    bundle, uploads = two_market_items
    case = accept(world, apply_for(world, bundle, uploads))
    market = only_of(case, world.market)
    url = reverse("workflow:task", kwargs={"pk": market.pk})
    client.force_login(world.market_reviewer)
    text = client.get(url).content.decode()
    assert "食品经营许可" in text and "小餐饮登记" in text
    client.force_login(world.fire_reviewer)
    refused = client.post(reverse("workflow:claim", kwargs={"pk": market.pk}))
    assert refused.status_code == 403 and "您无权办理该任务" in refused.content.decode()
