"""Admin: a catalog administrator uploads a process version for an item; the file is checked on
the form; versions are read-only afterwards and can be withdrawn from new cases."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from govserve.workflow.models import ProcessDefinition
from tests.cases.worlds import staff
from tests.workflow import bpmn_samples as samples

pytestmark = pytest.mark.django_db

ADD = "/admin/workflow/processdefinition/add/"


@pytest.fixture
def catalog_admin(world, client):
    admin = staff("ga-catalog", "catalog_admin", world.county)
    client.force_login(admin)
    return admin


def bpmn_file(xml: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("process.bpmn", xml.encode(), content_type="application/xml")


def test_upload_through_the_admin(client, world, catalog_admin):
    assert client.get(ADD).status_code == 200
    answer = client.post(ADD, {"item": world.item.pk, "bpmn_file": bpmn_file(samples.one_step())})
    assert answer.status_code == 302, answer.content.decode()[:3000]
    definition = ProcessDefinition.objects.get()
    assert (definition.version, definition.item, definition.uploaded_by) == (
        1,
        world.item,
        catalog_admin,
    )
    page = client.get(f"/admin/workflow/processdefinition/{definition.pk}/change/")
    assert page.status_code == 200 and "简易决定" in page.content.decode()
    assert 'name="bpmn_xml"' not in page.content.decode()  # never edited in place


def test_an_invalid_file_shows_the_reason_on_the_form(client, world, catalog_admin):
    answer = client.post(
        ADD, {"item": world.item.pk, "bpmn_file": bpmn_file(samples.one_step(task_role=""))}
    )
    assert answer.status_code == 200
    assert "须用扩展属性 role 指明办理角色" in answer.content.decode()
    assert not ProcessDefinition.objects.exists()


def test_a_default_template_is_for_superusers(client, world, catalog_admin):
    answer = client.post(ADD, {"key": "default-single", "bpmn_xml": samples.one_step(), "item": ""})
    assert answer.status_code == 200
    assert "默认流程模板只能由超级管理员上传新版本" in answer.content.decode()


def test_reviewers_have_no_process_admin(client, world):
    client.force_login(world.market_reviewer)
    assert client.get(ADD).status_code in (302, 403)
