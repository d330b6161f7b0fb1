"""Pages of the platform CA: /licences/ca/<algorithm>.crl and /licences/ca/<algorithm>.crt."""

from django.urls import path

from . import views_pki

urlpatterns = [
    path("licences/ca/<str:algorithm>.crl", views_pki.crl, name="crl"),
    path("licences/ca/<str:algorithm>.crt", views_pki.root_certificate, name="root-certificate"),
]
