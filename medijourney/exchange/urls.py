from django.urls import path

from . import views

app_name = "exchange"

urlpatterns = [
    # Second opinions: the patient, the case team, the specialist.
    path("my/cases/<str:reference>/second-opinion/", views.my_opinions, name="my_opinions"),
    path("cases/<str:reference>/second-opinions/", views.case_opinions, name="case_opinions"),
    path("cases/<str:reference>/second-opinions/<uuid:request_id>/assign/", views.assign, name="assign"),
    path(
        "cases/<str:reference>/second-opinions/<uuid:request_id>/questions/<uuid:clarification_id>/answer/",
        views.answer,
        name="answer",
    ),
    path("specialist/opinions/", views.workspace, name="workspace"),
    path("specialist/opinions/<uuid:public_id>/", views.opinion, name="opinion"),
    path(
        "specialist/opinions/<uuid:public_id>/documents/<uuid:document_id>/",
        views.opinion_document,
        name="opinion_document",
    ),
    # Tele-mentoring.
    path("mentoring/", views.programmes, name="programmes"),
    path("mentoring/new/", views.programme_new, name="programme_new"),
    path("mentoring/profile/", views.clinician_profile, name="clinician_profile"),
    path("mentoring/invitations/<str:token>/", views.invitation, name="invitation"),
    path("mentoring/<uuid:public_id>/", views.programme, name="programme"),
    path("mentoring/<uuid:public_id>/invite/", views.invite, name="invite"),
    path("mentoring/<uuid:public_id>/sessions/new/", views.session_new, name="session_new"),
    path("mentoring/<uuid:public_id>/certificate.pdf", views.certificate, name="certificate"),
    path("mentoring/<uuid:public_id>/figures/", views.figures, name="figures"),
    path("mentoring/sessions/<uuid:public_id>/", views.session, name="session"),
    path("mentoring/sessions/<uuid:public_id>/invitation.ics", views.session_ics_view, name="session_ics"),
    path("mentoring/sessions/<uuid:public_id>/slides/", views.slides, name="slides"),
    path("mentoring/sessions/<uuid:public_id>/attendance/", views.attendance, name="attendance"),
    path("mentoring/sessions/<uuid:public_id>/present/", views.present, name="present"),
    path("mentoring/presentations/<uuid:public_id>/", views.presentation, name="presentation"),
    path("mentoring/presentations/<uuid:public_id>/recommend/", views.recommend, name="recommend"),
]
