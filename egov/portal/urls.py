from django.urls import path

from egov.portal import views

app_name = "portal"

urlpatterns = [
    path("services/", views.services, name="services"),
    path("services/<str:code>/", views.service, name="service"),
    path("services/<str:code>/form.pdf", views.service_form_pdf, name="service_form_pdf"),
    path(
        "services/<str:code>/templates/<int:document_id>/",
        views.service_template,
        name="service_template",
    ),
    path("life-events/<slug:slug>/", views.life_event, name="life_event"),
    path("my/", views.my_page, name="my"),
    path("apply/<str:code>/start/", views.apply_start, name="apply_start"),
    path("my/applications/<uuid:public_id>/", views.application, name="application"),
    path(
        "my/applications/<uuid:public_id>/review/",
        views.application_review,
        name="application_review",
    ),
    path(
        "my/applications/<uuid:public_id>/discard/",
        views.application_discard,
        name="application_discard",
    ),
    path("my/dossiers/<str:code>/", views.dossier, name="dossier"),
    path("my/dossiers/<str:code>/supplement/", views.dossier_supplement, name="dossier_supplement"),
    path("my/dossiers/<str:code>/withdraw/", views.dossier_withdraw, name="dossier_withdraw"),
    path("my/dossiers/<str:code>/result.pdf", views.dossier_result, name="dossier_result"),
    path("staff/results/<str:code>/", views.staff_result, name="staff_result"),
]
