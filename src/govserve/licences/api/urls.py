"""REST routes under /api/licences/ (no namespace, like the other API routes), one group per
surface: public verification, the holder's wallet and department use, licence types, issued
licences (staff). The CA's public list (``ca/``) and the archive (``archive/…``) are routed by
the signing and audit apps under the same prefix (api/urls.py)."""

from django.urls import path

from . import lifecycle, public, types, wallet

urlpatterns = [
    # Public verification (证照核验).
    path("verify/", public.VerifyView.as_view(), name="licence-verify"),
    # The holder's wallet (我的证照) and department use (共享证照, 用证).
    path("wallet/", wallet.WalletListView.as_view(), name="licence-wallet"),
    path("wallet/shares/<int:pk>/", wallet.WalletShareView.as_view(), name="licence-wallet-share"),
    path("wallet/<int:pk>/", wallet.WalletDetailView.as_view(), name="licence-wallet-detail"),
    path("wallet/<int:pk>/pdf/", wallet.WalletPdfView.as_view(), name="licence-wallet-pdf"),
    path(
        "wallet/<int:pk>/shares/", wallet.WalletSharesView.as_view(), name="licence-wallet-shares"
    ),
    path("wallet/<int:pk>/uses/", wallet.WalletUsesView.as_view(), name="licence-wallet-uses"),
    path(
        "wallet/<int:pk>/renewal/",
        wallet.WalletRenewalView.as_view(),
        name="licence-wallet-renewal",
    ),
    path("shared/", wallet.SharedWithMeView.as_view(), name="licence-shared"),
    path("uses/<int:pk>/pdf/", wallet.UsePdfView.as_view(), name="licence-use-pdf"),
    path("<int:pk>/use/", wallet.UseView.as_view(), name="licence-use"),
    # Licence types (证照类型).
    path("types/", types.LicenceTypeList.as_view(), name="licence-type-list"),
    path("types/<int:pk>/", types.LicenceTypeDetail.as_view(), name="licence-type-detail"),
    # Issued licences for staff (证照管理) and their lifecycle actions.
    path("issued/", lifecycle.IssuedList.as_view(), name="licence-issued-list"),
    path("issued/<int:pk>/", lifecycle.IssuedDetail.as_view(), name="licence-issued-detail"),
    path("issued/<int:pk>/pdf/", lifecycle.IssuedPdf.as_view(), name="licence-issued-pdf"),
    *(
        path(
            f"issued/<int:pk>/{name}/",
            lifecycle.action_view(name, *spec).as_view(),
            name=f"licence-issued-{name}",
        )
        for name, spec in lifecycle.ACTIONS.items()
    ),
]
