"""Licence wallet pages (namespace ``licences``, included by licences/urls.py): the holder's
licences (/licences/…) and the department side (/licences/shared/…, /licences/uses/…)."""

from django.urls import path

from . import views_wallet

urlpatterns = [
    path("licences/", views_wallet.wallet, name="wallet"),
    path("licences/shared/", views_wallet.shared_with_me, name="shared-with-me"),
    path("licences/shared/<int:share_pk>/use", views_wallet.use_shared, name="shared-use"),
    path("licences/uses/<int:use_pk>/", views_wallet.use_result, name="use-result"),
    path("licences/uses/<int:use_pk>/pdf", views_wallet.use_pdf, name="use-pdf"),
    path("licences/<int:pk>/", views_wallet.licence_detail, name="wallet-licence"),
    path("licences/<int:pk>/pdf", views_wallet.licence_pdf, name="wallet-pdf"),
    path("licences/<int:pk>/shares/", views_wallet.share, name="wallet-share"),
    path("licences/<int:pk>/renewal/", views_wallet.apply_for_renewal, name="wallet-renewal"),
    path(
        "licences/<int:pk>/shares/<int:share_pk>/withdraw",
        views_wallet.withdraw_share,
        name="wallet-withdraw-share",
    ),
]
