import base64
import json

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.test import override_settings

from medijourney.aftercare.demo import aftercare_demo_setup
from medijourney.aftercare.tests.test_demo import demo_world
from medijourney.interop.demo import DEMO_PASSCODE, interop_demo_setup
from medijourney.interop.models import DischargeSummary, DoctorLink
from medijourney.interop.services import doctor_link_fetch
from medijourney.interop.services.links import link_digest

pytestmark = pytest.mark.django_db


@override_settings(DEMO_MODE=True)
def test_demo_patient_has_a_summary_and_an_active_link_printed():
    demo_world()
    aftercare_demo_setup()
    notes = interop_demo_setup()
    assert "home doctor's link" in notes[0], notes
    url = notes[0].split(": ")[-1]
    token, key = url.split("/h/")[1].split("/#")
    summary = DischargeSummary.objects.get()
    assert summary.journey.hospital.name.startswith("Demo ")
    link = DoctorLink.objects.get(token_digest=link_digest(token))
    assert doctor_link_fetch(token=token, passcode=DEMO_PASSCODE)[1] == "served"
    raw = base64.urlsafe_b64decode(key + "=" * (-len(key) % 4))
    payload = json.loads(AESGCM(raw).decrypt(bytes(link.nonce), bytes(link.ciphertext), token.encode()))
    assert "Enoxaparin (demo)" in payload["readable"]["summary"]["medications"][1]
    # A second run keeps the summary, makes a new link and revokes the old one.
    interop_demo_setup()
    assert DischargeSummary.objects.count() == 1
    assert DoctorLink.objects.filter(revoked_at__isnull=True).count() == 1
