"""Pages of the platform CA, namespace ``signing``: /licences/ca/<algorithm>.crl and
/licences/ca/<algorithm>.crt (the addresses printed in every certificate since the CA was part
of the licences app, so they stay under /licences/)."""

from django.urls import path

from . import views

app_name = "signing"
urlpatterns = [
    path("licences/ca/<str:algorithm>.crl", views.crl, name="crl"),
    path("licences/ca/<str:algorithm>.crt", views.root_certificate, name="root-certificate"),
]
