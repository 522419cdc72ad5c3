"""Seed the calendar with every year the chinese-calendar package knows."""
from django.db import migrations


def seed(apps, schema_editor):
    from gridgov.workdays.services import seed_holidays

    seed_holidays(apps.get_model("workdays", "Holiday"))


class Migration(migrations.Migration):

    dependencies = [("workdays", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
