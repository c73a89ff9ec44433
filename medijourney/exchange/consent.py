"""The text a patient agrees to when a second opinion is asked, versioned per scope (as quotes
versions its consent texts: a published text is never edited; add a version)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from medijourney.quotes.models import Scope

OPINION_CONSENT_TEXTS: dict[str, dict[str, Promise]] = {
    "opinion-2026-12": {
        Scope.DEIDENTIFIED_SUMMARY: _(
            "I agree that a specialist in another country chosen by my case manager may read a summary of my case "
            "with my name, contact details, identifiers, address and exact dates removed, together with my "
            "questions, to give me a second opinion. The specialist does not receive my medical reports. I can "
            "withdraw this consent at any time; the specialist then loses access at once."
        ),
        Scope.SUMMARY_WITH_REPORTS: _(
            "I agree that a specialist in another country chosen by my case manager may read a summary of my case "
            "with my name, contact details, identifiers, address and exact dates removed, my questions, and the "
            "medical reports chosen from those I sent, to give me a second opinion. Reports may still show my "
            "name. I can withdraw this consent at any time; the specialist then loses access at once."
        ),
    }
}
CURRENT_OPINION_CONSENT_VERSION = "opinion-2026-12"

# What a specialist declares before reading a request.
COI_TEXT = _(
    "I declare that I have no tie (employment, contract, ownership, payment or referral arrangement) to any "
    "hospital that quoted on this case, listed here, and that I will declare any that arises."
)


def opinion_consent_text(scope: str, version: str = CURRENT_OPINION_CONSENT_VERSION) -> Promise:
    return OPINION_CONSENT_TEXTS[version][scope]
