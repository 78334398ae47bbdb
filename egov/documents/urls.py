from django.urls import path

from egov.documents import views

app_name = "documents"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("incoming/new/", views.register_incoming, name="register_incoming"),
    path("registers/", views.registers, name="registers"),
    path("registers/export/", views.register_export, name="register_export"),
    path("stats/", views.stats, name="stats"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/attachments/", views.attach, name="attach"),
    path("<int:pk>/actions/<str:name>/", views.take_action, name="action"),
    path("<int:pk>/files/<str:kind>/<int:file_id>/", views.download, name="file"),
]
