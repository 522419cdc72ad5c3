from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("catalogue", "0002_standard_catalogue"),
    ]

    operations = [
        migrations.AddField(
            model_name="category",
            name="verifier",
            field=models.CharField(
                choices=[("grid", "The grid's people or the community, other than the handler"),
                         ("grid_leader", "The grid leader, or the community"), ("community", "The community's staff")],
                default="grid", help_text="Who verifies a handled case; never the one who handled it.", max_length=12,
                verbose_name="verified by"),
        ),
    ]
