from django.urls import path

from . import views

app_name = "quotes"

urlpatterns = [
    # The patient: consent per hospital, the comparison, acceptance.
    path("my/cases/<str:reference>/consents/", views.consents, name="consents"),
    path(
        "my/cases/<str:reference>/consents/<uuid:consent_id>/revoke/", views.consent_revoke_view, name="consent_revoke"
    ),
    path("my/cases/<str:reference>/quotes/", views.compare, name="compare"),
    path("my/cases/<str:reference>/quotes/<uuid:quote_id>/accept/", views.accept, name="accept"),
    # The case team: the quotes panel of a case.
    path("cases/<str:reference>/quotes/", views.case_quotes, name="case_quotes"),
    path("cases/<str:reference>/quotes/ask-consent/", views.ask_consent, name="ask_consent"),
    path("cases/<str:reference>/quotes/<uuid:request_id>/withdraw/", views.withdraw, name="withdraw"),
    path("cases/<str:reference>/quotes/<uuid:request_id>/bill/", views.final_bill, name="final_bill"),
    # A partner hospital's desk.
    path("partner/requests/", views.partner_requests, name="partner_requests"),
    path("partner/requests/export.csv", views.partner_requests_export, name="partner_export"),
    path("partner/requests/<uuid:public_id>/", views.partner_request, name="partner_request"),
    path("partner/requests/<uuid:public_id>/quote/", views.partner_quote, name="partner_quote"),
    path("partner/requests/<uuid:public_id>/decline/", views.partner_decline, name="partner_decline"),
    path(
        "partner/requests/<uuid:public_id>/documents/<uuid:document_id>/",
        views.partner_document,
        name="partner_document",
    ),
    # Scorecards and commission agreements.
    path("quotes/scorecards/", views.scorecards, name="scorecards"),
    path("quotes/commissions/", views.commissions, name="commissions"),
    path("quotes/commissions/<uuid:public_id>/end/", views.commission_end, name="commission_end"),
]
