"""Processes are data (issue 11): withdraw stored versions that carry scripts, conditions outside
the restricted expression language or unregistered actions from new cases."""

from django.db import migrations


def revalidate(apps, schema_editor):
    from govserve.workflow import bpmn

    definitions = apps.get_model("workflow", "ProcessDefinition")
    for definition in definitions.objects.filter(active=True):
        try:
            bpmn.parse(definition.bpmn_xml)
        except bpmn.BpmnError:
            definition.active = False
            definition.save(update_fields=["active"])


class Migration(migrations.Migration):
    dependencies = [("workflow", "0001_initial")]

    operations = [migrations.RunPython(revalidate, migrations.RunPython.noop)]
