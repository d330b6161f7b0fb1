"""The accounts app's answer to `core.pages` (the `PAGE_ACCESS` hook): who is signed in,
past the second factor, staff or a system administrator, and the navigation flags."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from . import policies
from .models import AccountType, Role
from .security import is_staff_account, second_factor_pending


def is_system_admin(user: Any) -> bool:
    return user.is_superuser or policies.has_role(user, Role.SYSTEM_ADMIN)


def handles_people(user: Any) -> bool:
    return (
        user.is_superuser
        or bool(policies.active_grants(user, policies.PEOPLE_ROLES))
        or policies.has_personal_data_grant(user)
    )


def login_redirect(request: HttpRequest) -> HttpResponse:
    return redirect(f"{reverse('accounts:login')}?next={request.get_full_path()}")


class PageAccess:
    denied_template = "accounts/denied.html"

    def navigation(self, request: HttpRequest) -> dict[str, Any]:
        user = request.user
        assert user.is_authenticated  # page() asks only for a signed-in user
        staff = is_staff_account(user)
        return {
            "nav_staff": staff,
            "nav_applicant": user.account_type == AccountType.PERSON,
            "nav_system_admin": staff and is_system_admin(user),
            "nav_people": staff and handles_people(user),
        }

    def sign_in_redirect(self, request: HttpRequest) -> HttpResponse | None:
        if not request.user.is_authenticated:
            return login_redirect(request)
        if second_factor_pending(request):
            return redirect(f"{reverse('accounts:verify')}?next={request.get_full_path()}")
        return None

    def is_staff(self, user: Any) -> bool:
        return is_staff_account(user)

    def is_system_admin(self, user: Any) -> bool:
        return is_system_admin(user)

    def is_applicant(self, user: Any) -> bool:
        return user.account_type == AccountType.PERSON


ACCESS = PageAccess()
