"""Page helpers shared by every app's views: `page()`, `denied()` and the `*_required`
decorators. Who is signed in, staff or an administrator, and what the navigation shows, is
answered by the `PAGE_ACCESS` hook (the accounts app's `pages.PageAccess`), so this module
imports no app of ours.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Protocol

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _

from . import hooks

# Any response: pages (HttpResponse) and downloads (FileResponse, a streaming response).
View = Callable[..., HttpResponseBase]


class PageAccess(Protocol):
    denied_template: str

    def navigation(self, request: HttpRequest) -> dict[str, Any]:
        """Context the navigation needs about the signed-in user."""
        ...

    def sign_in_redirect(self, request: HttpRequest) -> HttpResponse | None:
        """Where to send a visitor who is not (fully) signed in; None when they are."""
        ...

    def is_staff(self, user: Any) -> bool: ...

    def is_system_admin(self, user: Any) -> bool: ...

    def is_applicant(self, user: Any) -> bool: ...


def access() -> PageAccess:
    return hooks.resolve("PAGE_ACCESS")


def page(
    request: HttpRequest, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    """render() plus what the account navigation needs to know about the signed-in user."""
    context = dict(context or {})
    if request.user.is_authenticated:
        for key, value in access().navigation(request).items():
            context.setdefault(key, value)
    return render(request, template, context, status=status)


def denied(request: HttpRequest, message: str, status: int = 403) -> HttpResponse:
    """无权访问: the reason, without saying whether a record exists."""
    return page(request, access().denied_template, {"message": message}, status=status)


def account_required(view: View) -> View:
    """Signed in, and past the second factor when the account has one."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        redirect = access().sign_in_redirect(request)
        if redirect is not None:
            return redirect
        return view(request, *args, **kwargs)

    return wrapper


def staff_required(view: View) -> View:
    @account_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not access().is_staff(request.user):
            return denied(request, _("此页面仅供工作人员使用。"))
        return view(request, *args, **kwargs)

    return wrapper


def system_admin_required(view: View) -> View:
    @staff_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not access().is_system_admin(request.user):
            return denied(request, _("只有系统管理员可以访问此页面。"))
        return view(request, *args, **kwargs)

    return wrapper


def applicant_required(view: View) -> View:
    @account_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not access().is_applicant(request.user):
            return denied(request, _("法人事务由自然人账户办理，工作人员账户不能登记或代理法人。"))
        return view(request, *args, **kwargs)

    return wrapper
