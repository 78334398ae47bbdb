from django.urls import path

from egov.dossiers import stats_views, views

app_name = "dossiers"

urlpatterns = [
    path("", views.dossier_list, name="list"),
    path("desk/", views.desk, name="desk"),
    path("stats/", stats_views.stats_page, name="stats"),
    path("desk/<str:procedure_code>/", views.register, name="register"),
    path("register/", views.register_book, name="register_book"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/rating/", views.rate, name="rate"),
    path("<str:code>/actions/<str:action>/", views.perform_action, name="action"),
    path("<str:code>/documents/<int:pk>/", views.document_file, name="document"),
    path("<str:code>/forms/<int:pk>/", views.form_record, name="form"),
    path("<str:code>/forms/<int:pk>.pdf", views.form_pdf, name="form_pdf"),
]
