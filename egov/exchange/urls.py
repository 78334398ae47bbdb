from django.urls import path

from egov.exchange import views

app_name = "exchange"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/status/", views.report, name="report"),
    path("<int:pk>/decision/", views.decide, name="decide"),
    path("<int:pk>/revocation/", views.revoke, name="revoke"),
]
