from django.urls import path

from egov.accounts import views

app_name = "accounts"

urlpatterns = [
    path("register/", views.register, name="register"),
    path("register/verify/", views.register_verify, name="register_verify"),
    path("password/code/", views.password_code, name="password_code"),
    path("password/code/verify/", views.password_code_verify, name="password_code_verify"),
    path("profile/", views.profile, name="profile"),
    path("contact/", views.contact, name="contact"),
    path("contact/verify/", views.contact_verify, name="contact_verify"),
    path("business/", views.business, name="business"),
]
