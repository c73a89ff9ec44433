import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from medijourney.cases.models import Case
from medijourney.insights.filters import default_filters
from medijourney.insights.selectors import FIGURES
from medijourney.network.selectors import hospitals_in_network

pytestmark = pytest.mark.django_db


def test_builds_marked_cases_that_every_figure_reads() -> None:
    call_command("make_synthetic_cases", "600")
    assert Case.objects.filter(reference__startswith="SYN-").count() == 600
    assert not hospitals_in_network().filter(name__startswith="Synthetic").exists()
    f = default_filters()
    figures = {key: compute(f) for key, compute in FIGURES.items()}
    funnel = {str(r[3]): int(r[1] or 0) for r in figures["funnel"].rows}
    assert 0 < funnel["accepted"] < funnel["requested"] < funnel["answered"] < funnel["inquiries"] <= 600
    assert figures["destinations"].n == funnel["accepted"]
    call_command("make_synthetic_cases", "0", "--remove")
    assert not Case.objects.exists()


@override_settings(DEMO_MODE=True)
def test_refused_in_demo_mode() -> None:
    with pytest.raises(CommandError):
        call_command("make_synthetic_cases", "10")
