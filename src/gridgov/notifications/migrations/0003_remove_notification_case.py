from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0002_notification_target"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="notification",
            name="case",
        ),
        migrations.AddIndex(
            model_name="notification",
            index=models.Index(fields=["target_type", "target_id"], name="notification_target"),
        ),
    ]
