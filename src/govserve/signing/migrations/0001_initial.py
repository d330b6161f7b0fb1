"""Certificates and seals move here from the licences app — in Django's state only.

Their tables (`licences_certificate`, `licences_seal`, made by licences 0001) and every row stay
as they are (`Meta.db_table`); licences 0003 then points the licences' foreign keys here and
drops the old models from the licences app's state, again without touching the database.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('licences', '0001_initial'),
        ('regions', '0002_region_full_name_index'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Certificate',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('role', models.CharField(choices=[('root', '平台根证书'), ('department', '部门签名证书')], max_length=12, verbose_name='用途')),
                        ('algorithm', models.CharField(choices=[('ecdsa-p256', 'ECDSA P-256 / SHA-256'), ('rsa-3072', 'RSA 3072 / SHA-256'), ('sm2', 'SM2 / SM3')], max_length=12, verbose_name='算法')),
                        ('serial_number', models.CharField(max_length=64, unique=True, verbose_name='序列号')),
                        ('subject', models.CharField(max_length=300, verbose_name='主题')),
                        ('pem', models.TextField(verbose_name='证书（PEM）')),
                        ('key_label', models.CharField(max_length=100, unique=True, verbose_name='密钥标签')),
                        ('wrapped_key', models.BinaryField(verbose_name='加密私钥')),
                        ('not_before', models.DateTimeField(verbose_name='生效时间')),
                        ('not_after', models.DateTimeField(verbose_name='失效时间')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                        ('retired_at', models.DateTimeField(blank=True, null=True, verbose_name='轮换停用时间')),
                        ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='吊销时间')),
                        ('revocation_reason', models.CharField(blank=True, max_length=200, verbose_name='吊销原因')),
                        ('department', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='certificates', to='regions.department', verbose_name='部门')),
                        ('issuer', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='issued', to='signing.certificate', verbose_name='签发者')),
                    ],
                    options={
                        'verbose_name': '证书',
                        'verbose_name_plural': '证书',
                        'db_table': 'licences_certificate',
                        'ordering': ['-created_at', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='Seal',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.CharField(max_length=32, unique=True, verbose_name='印章编码')),
                        ('name', models.CharField(max_length=200, verbose_name='印章名称')),
                        ('kind', models.CharField(choices=[('01', '法定名称章'), ('02', '行政审批专用章'), ('99', '其他业务专用章')], max_length=2, verbose_name='印章类型')),
                        ('valid_from', models.DateField(verbose_name='有效期起')),
                        ('valid_until', models.DateField(verbose_name='有效期止')),
                        ('picture', models.BinaryField(verbose_name='印章图片（PNG）')),
                        ('picture_sha256', models.CharField(max_length=64, verbose_name='图片 SM3/SHA-256')),
                        ('width_mm', models.PositiveSmallIntegerField(default=42, verbose_name='宽（毫米）')),
                        ('height_mm', models.PositiveSmallIntegerField(default=42, verbose_name='高（毫米）')),
                        ('maker_signature', models.BinaryField(verbose_name='制章者签名')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='制作时间')),
                        ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='注销时间')),
                        ('certificate', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='seals', to='signing.certificate', verbose_name='签章人证书')),
                        ('department', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='seals', to='regions.department', verbose_name='部门')),
                        ('maker_certificate', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='made_seals', to='signing.certificate', verbose_name='制章者证书')),
                    ],
                    options={
                        'verbose_name': '电子印章',
                        'verbose_name_plural': '电子印章',
                        'db_table': 'licences_seal',
                        'ordering': ['department', '-created_at'],
                    },
                ),
                migrations.AddIndex(
                    model_name='certificate',
                    index=models.Index(fields=['role', 'algorithm', 'department'], name='licences_ce_role_a7fa4e_idx'),
                ),
            ],
            database_operations=[],
        ),
    ]
