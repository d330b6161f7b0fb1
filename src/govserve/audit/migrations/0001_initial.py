"""The archive moves here from the licences app — in Django's state only.

Its table (`licences_archiveentry`, made by licences 0001) and every entry stay as they are
(`Meta.db_table`), so the stored hashes still chain; licences 0003 then drops the old model
from the licences app's state, again without touching the database.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('cases', '0004_case_saved_materials'),
        ('licences', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ArchiveEntry',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('sequence', models.PositiveBigIntegerField(unique=True, verbose_name='序号')),
                        ('kind', models.CharField(choices=[('document', '文书'), ('licence', '电子证照'), ('licence_event', '证照状态变更')], max_length=16, verbose_name='类型')),
                        ('title', models.CharField(max_length=300, verbose_name='题名')),
                        ('content_sha256', models.CharField(max_length=64, verbose_name='内容 SHA-256')),
                        ('metadata', models.JSONField(default=dict, verbose_name='元数据')),
                        ('previous_hash', models.CharField(max_length=64, verbose_name='前一条哈希')),
                        ('entry_hash', models.CharField(max_length=64, unique=True, verbose_name='本条哈希')),
                        ('created_at', models.DateTimeField(verbose_name='归档时间')),
                        ('case', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='cases.case', verbose_name='办件')),
                        ('document', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='cases.casedocument', verbose_name='文书')),
                        ('licence', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='licences.licence', verbose_name='电子证照')),
                    ],
                    options={
                        'verbose_name': '电子档案',
                        'verbose_name_plural': '电子档案',
                        'db_table': 'licences_archiveentry',
                        'ordering': ['sequence'],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
