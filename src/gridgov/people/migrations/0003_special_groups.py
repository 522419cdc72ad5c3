"""Seed the special groups (特殊群体) that community work tracks; administrators can add more."""
from django.db import migrations

GROUPS = [
    ("elderly-alone", "独居老人"),
    ("empty-nest", "空巢老人"),
    ("disabled", "残疾人"),
    ("low-income", "低保户"),
    ("left-behind-child", "留守儿童"),
    ("veteran", "退役军人"),
    ("migrant", "流动人口"),
    ("mobile-party-member", "流动党员"),
    ("serious-illness", "重病患者"),
]


def seed(apps, schema_editor):
    SpecialGroup = apps.get_model("people", "SpecialGroup")
    for code, name in GROUPS:
        SpecialGroup.objects.get_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("people", "0002_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
