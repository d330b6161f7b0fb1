"""Process versions: catalog administrators upload them for their items, validated on upload;
new cases take the latest active version, running cases keep the one they started with."""

import pytest
from django.core.exceptions import ValidationError

from govserve.cases.errors import CaseError
from govserve.cases.models import CaseState, Outcome
from govserve.workflow import services
from govserve.workflow.models import ProcessDefinition, ProcessInstance, ProcessKind
from tests.cases.worlds import staff
from tests.workflow import bpmn_samples as samples
from tests.workflow.worlds import accept, apply_single, on_commit, open_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog_admin(world):
    return staff("ga-catalog", "catalog_admin", world.county)


def upload(user, item, xml):
    return services.upload_definition(user, item=item, bpmn_xml=xml)


def test_a_catalog_administrator_uploads_versions_numbered_one_after_another(world, catalog_admin):
    first = upload(catalog_admin, world.item, samples.one_step("简易决定"))
    second = upload(catalog_admin, world.item, samples.one_step("简易决定（第二版）"))
    assert (first.key, first.version, first.kind) == (f"item-{world.item.pk}", 1, "single")
    assert (second.key, second.version) == (first.key, 2)
    assert second.uploaded_by == catalog_admin and second.name == "简易程序"
    assert second.process_id == "simple" and second.active


def test_a_case_runs_its_items_own_process_and_keeps_its_version(world, catalog_admin):
    upload(catalog_admin, world.item, samples.one_step("简易决定 v1"))
    running = accept(world, apply_single(world))
    assert ProcessInstance.objects.get(case=running).definition.version == 1
    assert [t.label for t in open_tasks(running)] == ["简易决定 v1"]

    upload(catalog_admin, world.item, samples.one_step("简易决定 v2"))
    later = accept(world, apply_single(world))
    assert ProcessInstance.objects.get(case=later).definition.version == 2
    assert [t.label for t in open_tasks(later)] == ["简易决定 v2"]

    # The running case goes on in version 1 and finishes there.
    with on_commit():
        services.complete_task(open_tasks(running)[0], world.market_approver, outcome="approve")
    running.refresh_from_db()
    assert (running.state, running.outcome) == (CaseState.CLOSED, Outcome.APPROVED)
    assert ProcessInstance.objects.get(case=running).definition.version == 1


def test_a_withdrawn_version_is_not_used_for_new_cases(world, catalog_admin):
    own = upload(catalog_admin, world.item, samples.one_step())
    services.set_active(own, catalog_admin, active=False)
    case = accept(world, apply_single(world))
    assert ProcessInstance.objects.get(case=case).definition.key == "default-single"


def test_an_invalid_file_is_refused_and_nothing_is_stored(world, catalog_admin):
    with pytest.raises(ValidationError) as exc:
        upload(catalog_admin, world.item, samples.one_step(task_role=""))
    assert "role" in exc.value.message_dict["bpmn_xml"][0]
    with pytest.raises(ValidationError) as exc:
        upload(catalog_admin, world.item, "<bpmn:definitions")
    assert "不是有效的 XML" in exc.value.message_dict["bpmn_xml"][0]
    assert not ProcessDefinition.objects.filter(item=world.item).exists()


@pytest.mark.parametrize("who", ["market_reviewer", "market_approver", "clerk"])
def test_only_catalog_administrators_author_processes(world, who):
    with pytest.raises(CaseError) as exc:
        upload(getattr(world, who), world.item, samples.one_step())
    assert exc.value.status == 403
    assert not ProcessDefinition.objects.filter(item=world.item).exists()


def test_a_catalog_administrator_of_another_county_cannot_upload(world):
    from tests.regions.factories import RegionFactory

    other = RegionFactory(code="511621000000", name="岳池县", level=3, parent=world.city)
    outsider = staff("yc-catalog", "catalog_admin", other)
    with pytest.raises(CaseError) as exc:
        upload(outsider, world.item, samples.one_step())
    assert exc.value.status == 403


def test_default_templates_are_loaded_once_and_only_superusers_replace_them(
    world, catalog_admin, django_user_model
):
    first = services.default_definition(ProcessKind.SINGLE)
    assert services.default_definition(ProcessKind.SINGLE).pk == first.pk
    assert (first.key, first.version, first.item) == ("default-single", 1, None)
    with pytest.raises(CaseError) as exc:
        services.upload_definition(catalog_admin, key="default-single", bpmn_xml=first.bpmn_xml)
    assert exc.value.status == 403
    root = django_user_model.objects.create_superuser("root", password="x" * 12)
    second = services.upload_definition(root, key="default-single", bpmn_xml=first.bpmn_xml)
    assert second.version == 2 and services.default_definition(ProcessKind.SINGLE) == second
