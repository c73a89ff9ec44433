"""The demo set-up: everything `make run` adds on top of the real reference data. Every row it
creates is flagged as demo wherever the model has such a flag."""

from dataclasses import dataclass, field

from medijourney.accounts.services import DEMO_PASSWORD, demo_accounts_ensure
from medijourney.cases.demo import cases_demo_setup
from medijourney.network.demo import network_demo_setup
from medijourney.quotes.demo import quotes_demo_setup


@dataclass
class DemoSummary:
    logins: list[tuple[str, str]] = field(default_factory=list)
    password: str = DEMO_PASSWORD
    notes: list[str] = field(default_factory=list)


def demo_setup() -> DemoSummary:
    summary = DemoSummary()
    for user in demo_accounts_ensure():
        summary.logins.append((user.get_role_display(), user.email))
    summary.notes.extend(network_demo_setup())
    summary.notes.extend(cases_demo_setup())
    summary.notes.extend(quotes_demo_setup())
    return summary
