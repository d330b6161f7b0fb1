"""Pages of the licences app, namespace ``licences``, one group per surface (views/): public
verification (/verify/…), the applicant's licence wallet and the department side
(/licences/…), staff lifecycle pages (/licences/manage/…). The CA's public files
(/licences/ca/…) are routed by the signing app, case archive packages by the audit app."""

from django.urls import path

from .views import lifecycle, public, wallet

app_name = "licences"
urlpatterns = [
    # Public verification (证照核验).
    path("verify/", public.verify, name="verify"),
    # The QR code's link (qrlinks.verification_url); `path` so a malformed identifier typed
    # into the address bar still reaches the page and gets its answer, never a bare 404.
    path("verify/<path:identifier>/", public.verify_identifier, name="verify-identifier"),
    # The holder's licences (我的证照) and the department side (共享证照, 用证).
    path("licences/", wallet.wallet, name="wallet"),
    path("licences/shared/", wallet.shared_with_me, name="shared-with-me"),
    path("licences/shared/<int:share_pk>/use", wallet.use_shared, name="shared-use"),
    path("licences/uses/<int:use_pk>/", wallet.use_result, name="use-result"),
    path("licences/uses/<int:use_pk>/pdf", wallet.use_pdf, name="use-pdf"),
    path("licences/<int:pk>/", wallet.licence_detail, name="wallet-licence"),
    path("licences/<int:pk>/pdf", wallet.licence_pdf, name="wallet-pdf"),
    path("licences/<int:pk>/shares/", wallet.share, name="wallet-share"),
    path("licences/<int:pk>/renewal/", wallet.apply_for_renewal, name="wallet-renewal"),
    path(
        "licences/<int:pk>/shares/<int:share_pk>/withdraw",
        wallet.withdraw_share,
        name="wallet-withdraw-share",
    ),
    # Staff pages for issued licences (证照管理).
    path("licences/manage/", lifecycle.licence_list, name="manage"),
    path("licences/manage/<int:pk>/", lifecycle.licence_detail, name="manage-licence"),
    path("licences/manage/<int:pk>/pdf/", lifecycle.licence_pdf, name="manage-pdf"),
    path("licences/manage/<int:pk>/<str:act>/", lifecycle.licence_action, name="manage-action"),
]
