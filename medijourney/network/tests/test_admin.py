import pytest
from django.contrib import admin
from django.urls import reverse

from medijourney.catalog.tests.factories import ProcedureFactory, ReferencePriceFactory, visa_rule
from medijourney.network.tests.factories import DoctorFactory, LicenceFactory, OfferFactory, in_network_hospital

pytestmark = pytest.mark.django_db


def test_every_catalogue_and_network_model_has_a_working_admin(client, make_user):
    hospital = in_network_hospital()
    LicenceFactory(doctor=DoctorFactory(hospital=hospital))
    OfferFactory(hospital=hospital)
    ReferencePriceFactory(procedure=ProcedureFactory())
    visa_rule("GB", "IN")
    client.force_login(make_user("admin", is_staff=True, is_superuser=True))
    models = [m for m in admin.site._registry if m._meta.app_label in ("catalog", "network")]
    assert len(models) == 20
    for model in models:
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert client.get(url).status_code == 200, url
        obj = model._default_manager.first()
        if obj is not None:
            change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
            assert client.get(change).status_code == 200, change
