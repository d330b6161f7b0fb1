"""办件编号 and 文号 serials move to the one counter table of `core` (core.Serial), every number
already taken kept: the next case number or 文号 continues from the last one issued."""

from django.db import migrations

CASE_NUMBER = "case-number"
DOCUMENT_NUMBER = "document-number"


def to_core(apps, schema_editor):
    Serial = apps.get_model("core", "Serial")
    DailySerial = apps.get_model("cases", "DailySerial")
    DocumentSerial = apps.get_model("cases", "DocumentSerial")
    Serial.objects.bulk_create(
        [
            Serial(scope=CASE_NUMBER, key=f"{row.code}:{row.day.isoformat()}", last=row.last)
            for row in DailySerial.objects.iterator()
        ]
        + [
            Serial(scope=DOCUMENT_NUMBER, key=f"{row.department_id}:{row.kind}:{row.year}", last=row.last)
            for row in DocumentSerial.objects.iterator()
        ],
        batch_size=1000,
    )


def from_core(apps, schema_editor):
    Serial = apps.get_model("core", "Serial")
    DailySerial = apps.get_model("cases", "DailySerial")
    DocumentSerial = apps.get_model("cases", "DocumentSerial")
    for row in Serial.objects.filter(scope=CASE_NUMBER).iterator():
        code, day = row.key.rsplit(":", 1)
        DailySerial.objects.create(code=code, day=day, last=row.last)
    for row in Serial.objects.filter(scope=DOCUMENT_NUMBER).iterator():
        department, kind, year = row.key.split(":")
        DocumentSerial.objects.create(department_id=int(department), kind=kind, year=int(year), last=row.last)
    Serial.objects.filter(scope__in=[CASE_NUMBER, DOCUMENT_NUMBER]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_case_saved_materials"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(to_core, from_core),
        migrations.DeleteModel(name="DailySerial"),
        migrations.DeleteModel(name="DocumentSerial"),
    ]
