from django.urls import path

from egov.payments import views

app_name = "payments"

urlpatterns = [
    path("", views.payment_list, name="list"),
    path("vnpay/return/", views.vnpay_return, name="vnpay_return"),
    path("pay/<str:kind>/<str:ref>/", views.pay, name="pay"),
    path("<str:reference>/", views.detail, name="detail"),
    path("<str:reference>/checkout/", views.checkout, name="checkout"),
    path("<str:reference>/cancel/", views.cancel, name="cancel"),
    path("<str:reference>/receipt.pdf", views.receipt, name="receipt"),
]
