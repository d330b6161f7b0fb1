"""Pages of the licences app, one module per surface (routes in licences/urls.py, namespace
``licences``):

- `public` — verification (证照核验) by identifier, QR link or uploaded PDF, no login;
- `wallet` — the holder's licences, shares, uses and renewal application (我的证照), and the
  department side (共享证照, 用证);
- `lifecycle` — staff pages for issued licences (证照管理): list, detail, PDF, actions.
"""

from . import lifecycle, public, wallet

__all__ = ["lifecycle", "public", "wallet"]
