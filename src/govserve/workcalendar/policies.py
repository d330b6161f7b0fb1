"""Who may change the working-day calendar. Reading it is public.

A State Council notice applies to the whole country, so it is loaded by a system
administrator (any active 系统管理员 grant) or a superuser — not by catalog or case staff.
"""

from govserve.accounts import policies
from govserve.accounts.models import AccountType, Role


def can_load_notice(user) -> bool:
    if not policies.is_signed_in(user):
        return False
    if user.is_superuser:
        return True
    return user.account_type == AccountType.STAFF and policies.has_role(user, Role.SYSTEM_ADMIN)
