"""The district in every key of the cases' hot tables (docs/deployment.md, "Past one machine"): the
timeline and the department assignments carry their case's district, filled from the case for the
rows already there; the case's code and the timeline's and dispatches' sequence numbers are unique
within a district. The timeline and the dispatches are ordered by their case's id, not by the case:
that joined the case table to every read of them."""
from django.db import migrations, models


def _from_the_case(table):
    return migrations.RunSQL(
        f"UPDATE {table} SET district_code = (SELECT c.district_code FROM cases_case c WHERE c.id = {table}.case_id)",
        migrations.RunSQL.noop)


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0012_case_source_datum'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='dispatch',
            options={'ordering': ['case_id', 'seq'], 'verbose_name': 'dispatch record', 'verbose_name_plural': 'dispatch records'},
        ),
        migrations.AlterModelOptions(
            name='timelineentry',
            options={'ordering': ['case_id', 'seq'], 'verbose_name': 'timeline entry', 'verbose_name_plural': 'timeline'},
        ),
        migrations.AddField(
            model_name='assignment',
            name='district_code',
            field=models.CharField(default='', max_length=6, verbose_name='district code'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='timelineentry',
            name='district_code',
            field=models.CharField(default='', max_length=6, verbose_name='district code'),
            preserve_default=False,
        ),
        _from_the_case('cases_assignment'),
        _from_the_case('cases_timelineentry'),
        migrations.AlterField(
            model_name='case',
            name='code',
            field=models.CharField(max_length=24, verbose_name='code'),
        ),
        migrations.AddConstraint(
            model_name='case',
            constraint=models.UniqueConstraint(fields=('district_code', 'code'), name='case_code'),
        ),
        migrations.RemoveConstraint(
            model_name='dispatch',
            name='one_dispatch_per_number',
        ),
        migrations.AddConstraint(
            model_name='dispatch',
            constraint=models.UniqueConstraint(fields=('district_code', 'case', 'seq'), name='one_dispatch_per_number'),
        ),
        migrations.RemoveConstraint(
            model_name='timelineentry',
            name='timeline_sequence',
        ),
        migrations.AddConstraint(
            model_name='timelineentry',
            constraint=models.UniqueConstraint(fields=('district_code', 'case', 'seq'), name='timeline_sequence'),
        ),
    ]
