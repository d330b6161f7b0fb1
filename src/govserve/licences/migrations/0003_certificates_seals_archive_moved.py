"""Certificates and seals moved to the signing app, the archive to the audit app — in Django's
state only: the tables (`licences_certificate`, `licences_seal`, `licences_archiveentry`) and
their rows stay as they are (the moved models name them in `Meta.db_table`).

The licences' foreign keys now point at `signing.Certificate` / `signing.Seal` (same tables, so
the database constraints are unchanged); then the old models leave this app's state.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('licences', '0002_licencerenewal'),
        ('signing', '0001_initial'),
        ('audit', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='licence',
                    name='sm2_certificate',
                    field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='signing.certificate', verbose_name='SM2 签名证书'),
                ),
                migrations.AlterField(
                    model_name='licence',
                    name='seal',
                    field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='signing.seal', verbose_name='电子印章'),
                ),
                migrations.DeleteModel(
                    name='ArchiveEntry',
                ),
                migrations.DeleteModel(
                    name='Seal',
                ),
                migrations.DeleteModel(
                    name='Certificate',
                ),
            ],
            database_operations=[],
        ),
    ]
