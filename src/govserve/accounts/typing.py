"""Types for views behind `account_required` / `staff_required`: the request's user is a
signed-in `User`, never `AnonymousUser` (the decorators answered everyone else)."""

from django.http import HttpRequest

from .models import User


class SignedInRequest(HttpRequest):
    user: User
