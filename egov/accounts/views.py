from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from egov.accounts.actions import (
    CodeCheck,
    add_business_member,
    confirm_contact_change,
    create_business,
    remove_business_member,
    request_contact_change,
    request_password_reset,
    resend_code,
    reset_password_with_code,
    save_citizen_profile,
    set_password,
    start_registration,
    update_business,
    verify_registration,
)
from egov.accounts.codes import Address
from egov.accounts.forms import (
    AddressForm,
    BusinessForm,
    CodeForm,
    LoginForm,
    MemberForm,
    NewPasswordForm,
    ProfileForm,
    RegistrationForm,
)
from egov.accounts.models import (
    BusinessMember,
    BusinessRole,
    CitizenProfile,
    CodePurpose,
    OneTimeCode,
    UserKind,
)
from egov.accounts.selectors import request_user
from egov.lib.net import client_ip
from egov.lib.problems import InvalidInput, Problem
from egov.org.models import AdministrativeUnit
from egov.org.selectors import is_staff_member


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


# ------------------------------------------------------------------------------------------
# Registration, codes, profile, business members

_TOKEN_KEYS: dict[str, str] = {
    CodePurpose.REGISTER: "egov_registration_token",
    CodePurpose.CHANGE_CONTACT: "egov_contact_token",
    CodePurpose.RESET_PASSWORD: "egov_reset_token",
}


def _show_problem(form: forms.Form, problem: Problem) -> None:
    if isinstance(problem, InvalidInput) and problem.errors:
        for name, message in problem.errors.items():
            form.add_error(name if name in form.fields else None, str(message))
    else:
        form.add_error(None, str(problem.detail))


def _pending(request: HttpRequest, purpose: str) -> OneTimeCode | None:
    token = request.session.get(_TOKEN_KEYS[purpose])
    if not token:
        return None
    return OneTimeCode.objects.filter(token=token, purpose=purpose).first()


def _masked(row: OneTimeCode) -> str:
    return Address(row.channel, row.address).masked


def _ask_for_code(
    request: HttpRequest,
    form: forms.Form,
    purpose: str,
    send: Callable[[dict[str, Any]], OneTimeCode],
    template: str,
    verify_url: str,
) -> HttpResponse:
    """A page whose form sends a one-time code, then leads to the page that takes it."""
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                row = send(form.cleaned_data)
            except Problem as problem:
                _show_problem(form, problem)
                status = problem.status
            else:
                request.session[_TOKEN_KEYS[purpose]] = row.token
                return redirect(verify_url)
    return render(request, template, {"form": form}, status=status)


def _take_code(
    request: HttpRequest,
    row: OneTimeCode,
    form: forms.Form,
    check: Callable[[dict[str, Any]], CodeCheck],
    success: Callable[[CodeCheck], HttpResponse],
    title: str,
) -> HttpResponse:
    """The page where the code is typed (and a new one can be asked for)."""
    if request.method == "POST" and "resend" in request.POST:
        try:
            new = resend_code(
                acting_user=request_user(request) if request.user.is_authenticated else None,
                token=row.token,
                client_ip=client_ip(request),
                language=get_language(),
            )
        except Problem as problem:
            messages.error(request, str(problem.detail))
        else:
            request.session[_TOKEN_KEYS[row.purpose]] = new.token
            messages.success(request, _("A new code is on its way."))
        return redirect(request.path)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                result = check(form.cleaned_data)
            except Problem as problem:
                _show_problem(form, problem)
            else:
                if result.ok:
                    del request.session[_TOKEN_KEYS[row.purpose]]
                    return success(result)
                form.add_error("code", result.error)
    context = {"form": form, "title": title, "address": _masked(row)}
    return render(request, "accounts/code.html", context, status=status)


@login_not_required
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")

    def send(data: dict[str, Any]) -> OneTimeCode:
        return start_registration(
            acting_user=None,
            full_name=data["full_name"],
            kind=data["kind"],
            address=data["address"],
            password=data["password"],
            client_ip=client_ip(request),
            language=get_language(),
        )

    return _ask_for_code(
        request,
        RegistrationForm(request.POST or None),
        CodePurpose.REGISTER,
        send,
        "accounts/register.html",
        reverse("accounts:register_verify"),
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def register_verify(request: HttpRequest) -> HttpResponse:
    row = _pending(request, CodePurpose.REGISTER)
    if row is None:
        return redirect("accounts:register")

    def success(check: CodeCheck) -> HttpResponse:
        assert check.user is not None
        login(request, check.user, backend=settings.AUTHENTICATION_BACKENDS[0])
        messages.success(
            request, _("Your account is ready. Add your personal ID or tax code to apply online.")
        )
        business = check.user.kind == UserKind.BUSINESS
        return redirect("accounts:business" if business else "accounts:profile")

    return _take_code(
        request,
        row,
        CodeForm(request.POST or None),
        lambda data: verify_registration(acting_user=None, token=row.token, code=data["code"]),
        success,
        _("Enter the code"),
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def password_code(request: HttpRequest) -> HttpResponse:
    def send(data: dict[str, Any]) -> OneTimeCode:
        return request_password_reset(
            acting_user=None,
            address=data["address"],
            client_ip=client_ip(request),
            language=get_language(),
        )

    return _ask_for_code(
        request,
        AddressForm(request.POST or None),
        CodePurpose.RESET_PASSWORD,
        send,
        "accounts/password_code.html",
        reverse("accounts:password_code_verify"),
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def password_code_verify(request: HttpRequest) -> HttpResponse:
    row = _pending(request, CodePurpose.RESET_PASSWORD)
    if row is None:
        return redirect("accounts:password_code")

    def success(check: CodeCheck) -> HttpResponse:
        messages.success(request, _("Your password has been changed. Log in with it."))
        return redirect("login")

    return _take_code(
        request,
        row,
        NewPasswordForm(request.POST or None),
        lambda data: reset_password_with_code(
            acting_user=None, token=row.token, code=data["code"], password=data["password"]
        ),
        success,
        _("Choose a new password"),
    )


@require_http_methods(["GET", "POST"])
def contact(request: HttpRequest) -> HttpResponse:
    user = request_user(request)

    def send(data: dict[str, Any]) -> OneTimeCode:
        return request_contact_change(
            acting_user=user,
            address=data["address"],
            client_ip=client_ip(request),
            language=get_language(),
        )

    return _ask_for_code(
        request,
        AddressForm(request.POST or None),
        CodePurpose.CHANGE_CONTACT,
        send,
        "accounts/contact.html",
        reverse("accounts:contact_verify"),
    )


@require_http_methods(["GET", "POST"])
def contact_verify(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    row = _pending(request, CodePurpose.CHANGE_CONTACT)
    if row is None or row.user_id != user.pk:
        return redirect("accounts:contact")

    def success(check: CodeCheck) -> HttpResponse:
        messages.success(request, _("Your new address is confirmed and in use."))
        return redirect("accounts:profile")

    return _take_code(
        request,
        row,
        CodeForm(request.POST or None),
        lambda data: confirm_contact_change(acting_user=user, token=row.token, code=data["code"]),
        success,
        _("Confirm your new address"),
    )


def _commune(unit_id: int | None) -> AdministrativeUnit | None:
    if unit_id is None:
        return None
    return AdministrativeUnit.objects.select_related("parent__parent").filter(pk=unit_id).first()


@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if is_staff_member(user):
        raise Http404
    current = CitizenProfile.objects.filter(user=user).first()
    commune = _commune(current.administrative_unit_id if current else None)
    initial: dict[str, Any] = {"full_name": user.full_name}
    if current is not None:
        initial.update(
            personal_id=current.personal_id,
            date_of_birth=current.date_of_birth,
            sex=current.sex,
            home_street=current.address,
        )
    picking = request.method == "POST" and "pick_province" in request.POST
    if request.method == "POST":
        # "Show the communes" sends the form only to fill the commune list: nothing is saved.
        form = ProfileForm(request.POST, commune=commune)
    else:
        form = ProfileForm(initial=initial, commune=commune)
    status = 200
    if request.method == "POST" and not picking:
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                save_citizen_profile(
                    acting_user=user,
                    user=user,
                    full_name=data["full_name"],
                    personal_id=data["personal_id"].strip(),
                    date_of_birth=data["date_of_birth"],
                    sex=data["sex"],
                    address=data.get("home_street", ""),
                    administrative_unit_id=data["commune"].pk if data["commune"] else None,
                )
            except Problem as problem:
                _show_problem(form, problem)
                status = problem.status
            else:
                messages.success(request, _("Your profile has been saved."))
                return redirect("accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "picking": picking, "profile": current, "businesses": user.businesses.all()},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def business(request: HttpRequest) -> HttpResponse:
    """The business account: register it (tax code), edit it, and manage its members."""
    user = request_user(request)
    if is_staff_member(user):
        raise Http404
    membership = (
        BusinessMember.objects.filter(user=user)
        .select_related("business", "business__administrative_unit__parent__parent")
        .order_by("-role", "business__name")
        .first()
    )
    found = membership.business if membership else None
    is_owner = membership is not None and membership.role == BusinessRole.OWNER
    commune = found.administrative_unit if found else None
    picking = request.method == "POST" and "pick_province" in request.POST
    initial: dict[str, Any] = {}
    if found is not None:
        initial = {
            "name": found.name,
            "legal_representative": found.legal_representative,
            "office_street": found.address,
        }
    form = BusinessForm(
        (request.POST if request.POST.get("form") == "business" else None)
        if request.method == "POST"
        else None,
        initial=initial,
        commune=commune,
        fixed_tax_code=found is not None,
    )
    member_form = MemberForm(request.POST if request.POST.get("form") == "member" else None)
    status = 200
    if request.method == "POST" and not picking:
        status = 422
        try:
            if request.POST.get("form") == "business" and form.is_valid():
                data = form.cleaned_data
                unit_id = data["commune"].pk if data["commune"] else None
                if found is None:
                    create_business(
                        acting_user=user,
                        owner=user,
                        tax_code=data["tax_code"].strip(),
                        name=data["name"],
                        address=data.get("office_street", ""),
                        legal_representative=data["legal_representative"],
                        administrative_unit_id=unit_id,
                    )
                else:
                    update_business(
                        acting_user=user,
                        business=found,
                        name=data["name"],
                        address=data.get("office_street", ""),
                        legal_representative=data["legal_representative"],
                        administrative_unit_id=unit_id,
                    )
                messages.success(request, _("The business's details have been saved."))
                return redirect("accounts:business")
            if (
                request.POST.get("form") == "member"
                and found is not None
                and member_form.is_valid()
            ):
                add_business_member(
                    acting_user=user,
                    business=found,
                    identifier=member_form.cleaned_data["identifier"],
                )
                messages.success(request, _("The member has been added."))
                return redirect("accounts:business")
            if request.POST.get("form") == "remove" and found is not None:
                remove_business_member(
                    acting_user=user,
                    business=found,
                    member_id=int(request.POST.get("member", "0") or 0),
                )
                messages.success(request, _("The member has been removed."))
                return redirect("accounts:business")
        except (Problem, ValueError) as problem:
            target = member_form if request.POST.get("form") in ("member", "remove") else form
            if isinstance(problem, Problem):
                _show_problem(target, problem)
                status = problem.status
            else:
                target.add_error(None, _("Choose one of the allowed values."))
    members = (
        BusinessMember.objects.filter(business=found).select_related("user").order_by("role", "id")
        if found is not None
        else []
    )
    return render(
        request,
        "accounts/business.html",
        {
            "business": found,
            "is_owner": is_owner,
            "form": form,
            "member_form": member_form,
            "members": members,
            "picking": picking,
        },
        status=status,
    )
