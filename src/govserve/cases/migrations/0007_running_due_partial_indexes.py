# The supervisor's workbench: partial indexes on the open cases whose clock runs
# (docs/performance.md, "What if" under the overdue lists; supervision.selectors).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_form_field_number_bounds"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(
                    ("clock_stopped", False), ("state__in", ["submitted", "in_review", "decided"])
                ),
                fields=["department", "current_due", "id"],
                name="case_running_dept_due",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(
                    ("clock_stopped", False), ("state__in", ["submitted", "in_review", "decided"])
                ),
                fields=["region", "current_due", "id"],
                name="case_running_region_due",
            ),
        ),
    ]
