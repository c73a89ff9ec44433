"""The demo set-up: everything `make run` adds on top of the real reference data. Every row it
creates is flagged as demo wherever the model has such a flag, and nothing invented is attached to a
real hospital: the demo network is made of fictional hospitals named "Demo …"."""

from dataclasses import dataclass, field

from django.db import transaction

from medijourney.accounts.services import DEMO_PASSWORD, demo_accounts_ensure
from medijourney.aftercare.demo import aftercare_demo_setup
from medijourney.cases.demo import cases_demo_setup
from medijourney.cases.models import Case, Source
from medijourney.exchange.demo import exchange_demo_setup
from medijourney.insights.demo import insights_demo_setup
from medijourney.interop.demo import interop_demo_setup
from medijourney.journeys.demo import journeys_demo_setup
from medijourney.network.demo import hospitals_with_invented_rows, network_demo_retire, network_demo_setup
from medijourney.quotes.demo import quotes_demo_setup
from medijourney.quotes.models import CommissionAgreement, QuoteRequest


@dataclass
class DemoSummary:
    logins: list[tuple[str, str]] = field(default_factory=list)
    password: str = DEMO_PASSWORD
    notes: list[str] = field(default_factory=list)


def demo_retire_invented_rows() -> list[str]:
    """An install set up before issue 10 attached invented accreditations, doctors and prices to
    real hospitals. Remove them, and the demo quotes and demo cases built on them (they are made
    again on the fictional hospitals). Does nothing on a newer install."""
    stale = list(hospitals_with_invented_rows())
    if not stale:
        return []
    with transaction.atomic():
        QuoteRequest.objects.filter(is_demo=True).delete()  # their quotes name the invented doctors
        CommissionAgreement.objects.filter(hospital__in=stale, note__startswith="Demo data").delete()
        cases = Case.objects.filter(source=Source.DEMO)
        removed_cases = cases.count()
        cases.delete()  # made again, with the same demo patients, by cases_demo_setup
        cleaned = network_demo_retire(stale)
    return [
        f"Removed invented demo rows from {cleaned} real hospitals (and {removed_cases} demo cases built on them); "
        "the demo now uses fictional hospitals only."
    ]


def demo_setup() -> DemoSummary:
    summary = DemoSummary()
    for user in demo_accounts_ensure():
        summary.logins.append((user.get_role_display(), user.email))
    summary.notes.extend(demo_retire_invented_rows())
    summary.notes.extend(network_demo_setup())
    summary.notes.extend(cases_demo_setup())
    summary.notes.extend(quotes_demo_setup())
    summary.notes.extend(exchange_demo_setup())
    summary.notes.extend(journeys_demo_setup())
    summary.notes.extend(aftercare_demo_setup())
    summary.notes.extend(interop_demo_setup())
    summary.notes.extend(insights_demo_setup())
    return summary
