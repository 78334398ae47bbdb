from django.urls import path

from egov.signatures import views

urlpatterns = [
    path("verify/", views.verify_page, name="signature_verify"),
    path("pki/<slug:slug>.crl", views.crl, name="signature_crl"),
    path("pki/<slug:slug>.crt", views.ca_certificate, name="signature_ca_certificate"),
]
