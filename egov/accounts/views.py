from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.utils.translation import gettext as _

from egov.accounts.actions import set_password
from egov.accounts.forms import LoginForm
from egov.accounts.selectors import request_user


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    def form_valid(self, form: Any) -> HttpResponse:
        user = set_password(
            acting_user=request_user(self.request),
            user=form.user,
            password=form.cleaned_data["new_password1"],
        )
        update_session_auth_hash(self.request, user)
        messages.success(self.request, _("Your password has been changed."))
        return super(auth_views.PasswordChangeView, self).form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form: Any) -> HttpResponse:
        set_password(acting_user=None, user=form.user, password=form.cleaned_data["new_password1"])
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return super(auth_views.PasswordResetConfirmView, self).form_valid(form)
