"""Several procedures per discharge summary: the one procedure (text, code system, code) becomes
the first row of ``procedures``; the summary's procedure date stays as the first procedure's date.
And a doctor link says whether its payload carries the discharge summary PDF. Migrating back keeps
the first procedure only (the old columns hold one)."""

from typing import Any

from django.db import migrations, models


def forwards(apps: Any, schema_editor: Any) -> None:
    summary = apps.get_model("interop", "DischargeSummary")
    for row in summary.objects.all().only("pk", "procedure_text", "procedure_system", "procedure_code"):
        row.procedures = [
            {"text": row.procedure_text, "system": row.procedure_system, "code": row.procedure_code, "date": ""}
        ]
        row.save(update_fields=["procedures"])


def backwards(apps: Any, schema_editor: Any) -> None:
    summary = apps.get_model("interop", "DischargeSummary")
    for row in summary.objects.all().only("pk", "procedures"):
        first = (row.procedures or [{}])[0]
        row.procedure_text = str(first.get("text", ""))[:300]
        row.procedure_system = str(first.get("system", ""))[:10]
        row.procedure_code = str(first.get("code", ""))[:40]
        row.save(update_fields=["procedure_text", "procedure_system", "procedure_code"])


class Migration(migrations.Migration):
    dependencies = [("interop", "0001_initial")]

    operations = [
        migrations.AddField(model_name="dischargesummary", name="procedures", field=models.JSONField(default=list)),
        migrations.RunPython(forwards, backwards),
        # A default before the removal, so that migrating back re-adds the column on a table with rows.
        migrations.AlterField(
            model_name="dischargesummary",
            name="procedure_text",
            field=models.CharField(default="", max_length=300, verbose_name="procedure performed"),
        ),
        migrations.RemoveField(model_name="dischargesummary", name="procedure_text"),
        migrations.RemoveField(model_name="dischargesummary", name="procedure_system"),
        migrations.RemoveField(model_name="dischargesummary", name="procedure_code"),
        migrations.AddField(model_name="doctorlink", name="with_pdf", field=models.BooleanField(default=False)),
        migrations.AlterField(
            model_name="dischargesummary",
            name="procedure_date",
            field=models.DateField(verbose_name="date of the (first) procedure"),
        ),
    ]
