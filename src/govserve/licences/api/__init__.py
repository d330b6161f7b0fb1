"""REST API of the licences app, under /api/licences/ — one module per surface, as the views:

- `public` — verification by identifier or uploaded PDF (证照核验), no login;
- `wallet` — the holder's licences, shares and uses (我的证照), department use (共享证照);
- `types` — licence types (证照类型), catalog administrators write;
- `lifecycle` — issued licences for staff (证照管理): list, detail, PDF, change, renew,
  suspend, resume, revoke;
- `urls` — the routes of all four (included by govserve/api/urls.py); `common` — what they share.

The main views and serializers are re-exported here.
"""

from .lifecycle import (
    IssuedDetail,
    IssuedLicenceDetailSerializer,
    IssuedLicenceSerializer,
    IssuedList,
    IssuedPdf,
)
from .public import VerificationSerializer, VerifyView
from .types import LicenceTypeDetail, LicenceTypeList, LicenceTypeSerializer
from .wallet import (
    LicenceSerializer,
    SharedWithMeView,
    ShareSerializer,
    UsePdfView,
    UseSerializer,
    UseView,
    WalletDetailView,
    WalletListView,
    WalletPdfView,
    WalletRenewalView,
    WalletSharesView,
    WalletShareView,
    WalletUsesView,
)

__all__ = [
    "IssuedDetail",
    "IssuedLicenceDetailSerializer",
    "IssuedLicenceSerializer",
    "IssuedList",
    "IssuedPdf",
    "LicenceSerializer",
    "LicenceTypeDetail",
    "LicenceTypeList",
    "LicenceTypeSerializer",
    "ShareSerializer",
    "SharedWithMeView",
    "UsePdfView",
    "UseSerializer",
    "UseView",
    "VerificationSerializer",
    "VerifyView",
    "WalletDetailView",
    "WalletListView",
    "WalletPdfView",
    "WalletRenewalView",
    "WalletShareView",
    "WalletSharesView",
    "WalletUsesView",
]
