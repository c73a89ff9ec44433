from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("inquiry/", views.inquiry, name="inquiry"),
    path("inquiry/received/", views.inquiry_received, name="inquiry_received"),
    path("inquiry/confirm/<str:token>/", views.inquiry_confirm, name="inquiry_confirm"),
    path("cases/", views.queue, name="queue"),
    path("cases/board/", views.board, name="board"),
    path("cases/availability/", views.availability, name="availability"),
    path("cases/<str:reference>/", views.detail, name="detail"),
    path("cases/<str:reference>/notes/", views.note_create, name="note_add"),
    path("cases/<str:reference>/tasks/", views.task_create, name="task_add"),
    path("cases/<str:reference>/tasks/<uuid:task_id>/", views.task_toggle, name="task_toggle"),
    path("cases/<str:reference>/stage/", views.stage_change, name="stage"),
    path("cases/<str:reference>/assign/", views.reassign, name="reassign"),
    path("cases/<str:reference>/messages/", views.message_create, name="message_send"),
    path("cases/<str:reference>/documents/", views.document_upload, name="document_upload"),
    path("cases/<str:reference>/documents/<uuid:document_id>/", views.document_download, name="document_download"),
    path("my/cases/", views.my_cases, name="my_cases"),
    path("my/cases/<str:reference>/", views.my_case, name="my_case"),
]
