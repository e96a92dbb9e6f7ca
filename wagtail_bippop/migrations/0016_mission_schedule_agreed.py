import django.utils.timezone
from django.db import migrations, models


def agreed_when_created(apps, schema_editor):
    """Missions already there had their day and hour typed in when they were made."""
    Mission = apps.get_model("wagtail_bippop", "Mission")
    Mission.objects.update(schedule_agreed_at=models.F("created_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("wagtail_bippop", "0015_worries"),
    ]

    operations = [
        migrations.AddField(
            model_name="mission",
            name="schedule_agreed_at",
            field=models.DateTimeField(
                blank=True,
                default=django.utils.timezone.now,
                null=True,
                verbose_name="day and hour agreed on",
            ),
        ),
        migrations.RunPython(agreed_when_created, migrations.RunPython.noop, elidable=True),
    ]
