"""Public verification pages (证照核验), part of the ``licences`` namespace (see urls.py)."""

from django.urls import path

from . import views_public

urlpatterns = [
    path("verify/", views_public.verify, name="verify"),
    # The QR code's link (qrlinks.verification_url); `path` so a malformed identifier typed
    # into the address bar still reaches the page and gets its answer, never a bare 404.
    path("verify/<path:identifier>/", views_public.verify_identifier, name="verify-identifier"),
]
