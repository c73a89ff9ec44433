# The cases' quote milestones (cases 0005 adds the columns) from the quote requests already sent:
# first request sent, first quote received, the plan accepted. A re-run changes nothing.

from django.db import migrations
from django.db.models import Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce


def backfill(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    QuoteRequest = apps.get_model("quotes", "QuoteRequest")
    Quote = apps.get_model("quotes", "Quote")
    requests = QuoteRequest.objects.filter(case=OuterRef("pk"))
    quotes = Quote.objects.filter(request__case=OuterRef("pk"))
    accepted = requests.filter(status="accepted")
    steps = {
        "quotes_requested_at": (requests, requests.order_by("sent_at").values("sent_at")[:1]),
        "quote_received_at": (quotes, quotes.order_by("submitted_at").values("submitted_at")[:1]),
        "plan_accepted_at": (
            accepted,
            accepted.annotate(at=Coalesce("closed_at", "updated_at")).order_by("at").values("at")[:1],
        ),
    }
    for field, (rows, first) in steps.items():
        Case.objects.filter(Exists(rows), **{f"{field}__isnull": True}).update(**{field: Subquery(first)})


class Migration(migrations.Migration):
    dependencies = [
        ("quotes", "0001_initial"),
        ("cases", "0005_case_milestones"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
