from django.urls import path

from egov.docstore import views

app_name = "docstore"

urlpatterns = [
    path("", views.document_list, name="list"),
    path("<int:document_id>/", views.document_file, name="file"),
    path("<int:document_id>/delete/", views.delete, name="delete"),
]
