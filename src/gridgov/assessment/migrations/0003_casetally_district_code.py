"""A case's remembered contribution carries the case's district, the key it is distributed by
(docs/deployment.md, "Past one machine"); filled from the case for the rows already there."""
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('assessment', '0002_month_tally'),
        ('cases', '0013_district_keys'),
    ]

    operations = [
        migrations.AddField(
            model_name='casetally',
            name='district_code',
            field=models.CharField(default='', max_length=6),
            preserve_default=False,
        ),
        migrations.RunSQL(
            "UPDATE assessment_casetally SET district_code = "
            "(SELECT c.district_code FROM cases_case c WHERE c.id = assessment_casetally.case_id)",
            migrations.RunSQL.noop),
    ]
