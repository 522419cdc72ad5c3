"""Statutory days as a source of the calendar, and this year's and next year's entered where the
package knows no schedule (2027 on chinese-calendar 1.11: without them 1 January 2027 was worked)."""
from django.db import migrations, models


def provisional(apps, schema_editor):
    from django.utils import timezone

    from gridgov.core import clock
    from gridgov.workdays.services import ensure_provisional

    ensure_provisional(timezone.localdate(clock.now()), apps.get_model("workdays", "Holiday"))


class Migration(migrations.Migration):

    dependencies = [
        ('workdays', '0002_seed_holidays'),
    ]

    operations = [
        migrations.AlterField(
            model_name='holiday',
            name='source',
            field=models.CharField(choices=[('package', 'chinese-calendar package'), ('law', "Statutory day off (provisional: the year's schedule is not published)"), ('admin', 'Administrator')], default='admin', max_length=8, verbose_name='source'),
        ),
        migrations.RunPython(provisional, migrations.RunPython.noop),
    ]
