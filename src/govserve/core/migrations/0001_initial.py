from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies: list = []

    operations = [
        migrations.CreateModel(
            name="Serial",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("scope", models.CharField(max_length=32, verbose_name="序号类别")),
                ("key", models.CharField(max_length=160, verbose_name="序号范围")),
                ("last", models.PositiveBigIntegerField(default=0, verbose_name="已用序号")),
            ],
            options={
                "verbose_name": "流水号",
                "verbose_name_plural": "流水号",
                "constraints": [models.UniqueConstraint(fields=("scope", "key"), name="serial_once")],
            },
        ),
    ]
