from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver, include, path
from django.views.i18n import set_language

from egov import views
from egov.accounts import views as account_views
from egov.api import api
from egov.dossiers import public_views as dossier_lookup


def _public(patterns: list[URLPattern | URLResolver]) -> list[URLPattern | URLResolver]:
    """Mark every view under ``patterns`` as reachable without a session (they check auth)."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _public(pattern.url_patterns)
        else:
            pattern.callback.login_required = False  # type: ignore[attr-defined]
    return patterns


api_urls, api_app_name, api_namespace = api.urls

urlpatterns = [
    path("", views.home, name="home"),
    path("ws/", views.workspace, name="workspace"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("accounts/login/", account_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/change/",
        account_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "accounts/password/reset/",
        auth_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        account_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("accounts/", include("egov.accounts.urls")),
    path("notifications/", include("egov.notifications.urls")),
    path("payments/", include("egov.payments.urls")),
    path("signatures/", include("egov.signatures.urls")),
    path("dossiers/", include("egov.dossiers.urls")),
    # Public status lookup; form 01's QR code points to /lookup/<code>/.
    path("lookup/", dossier_lookup.lookup, name="lookup"),
    path("lookup/<str:code>/", dossier_lookup.lookup_detail, name="lookup_detail"),
    path("documents/", include("egov.documents.urls")),
    path("exchange/", include("egov.exchange.urls")),
    path("my/documents/", include("egov.docstore.urls")),
    path("", include("egov.portal.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", (_public(api_urls), api_app_name, api_namespace)),
]
