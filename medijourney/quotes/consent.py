"""The texts a patient agrees to when sharing a case with a hospital, versioned per scope. A
consent row records the version shown; a published text is never edited: add a new version and
make it current."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import Scope

SHARE_CONSENT_TEXTS: dict[str, dict[str, Promise]] = {
    "share-2026-01": {
        Scope.DEIDENTIFIED_SUMMARY: _(
            "I agree that my case manager may send this hospital a summary of my case with my name, contact "
            "details, identifiers, address and exact dates removed, so that it can propose a treatment plan and "
            "a price. The hospital does not receive my medical reports. I can withdraw this consent at any time "
            "on this page; the hospital then loses access at once."
        ),
        Scope.SUMMARY_WITH_REPORTS: _(
            "I agree that my case manager may send this hospital a summary of my case with my name, contact "
            "details, identifiers, address and exact dates removed, together with the medical reports my case "
            "manager chooses from those I sent, so that it can propose a treatment plan and a price. Reports may "
            "still show my name. I can withdraw this consent at any time on this page; the hospital then loses "
            "access at once, including to links it was already sent."
        ),
    }
}
CURRENT_SHARE_CONSENT_VERSION = "share-2026-01"


def share_consent_text(scope: str, version: str = CURRENT_SHARE_CONSENT_VERSION) -> Promise:
    return SHARE_CONSENT_TEXTS[version][scope]
