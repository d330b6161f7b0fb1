"""Licence serials move to the one counter table of `core` (core.Serial), every serial already
given kept: the next licence of a type and issuer continues from the last one issued."""

from django.db import migrations

LICENCE_SERIAL = "licence-serial"


def to_core(apps, schema_editor):
    Serial = apps.get_model("core", "Serial")
    LicenceSerial = apps.get_model("licences", "LicenceSerial")
    Serial.objects.bulk_create(
        [
            Serial(scope=LICENCE_SERIAL, key=f"{row.licence_type_id}:{row.issuer_id}", last=row.last)
            for row in LicenceSerial.objects.iterator()
        ],
        batch_size=1000,
    )


def from_core(apps, schema_editor):
    Serial = apps.get_model("core", "Serial")
    LicenceSerial = apps.get_model("licences", "LicenceSerial")
    for row in Serial.objects.filter(scope=LICENCE_SERIAL).iterator():
        licence_type, issuer = row.key.split(":")
        LicenceSerial.objects.create(licence_type_id=int(licence_type), issuer_id=int(issuer), last=row.last)
    Serial.objects.filter(scope=LICENCE_SERIAL).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("licences", "0003_certificates_seals_archive_moved"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(to_core, from_core),
        migrations.DeleteModel(name="LicenceSerial"),
    ]
