from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("register/", views.register_view, name="register"),
    path("login/", views.login_view, name="login"),
    path("login/verify/", views.verify_view, name="verify"),
    path("logout/", views.logout_view, name="logout"),
    path("profile/", views.profile_view, name="profile"),
    path("password/", views.password_change_view, name="password"),
    path("totp/", views.totp_view, name="totp"),
    path("business/", views.business_view, name="business"),
    path("business/<int:pk>/", views.business_detail_view, name="business-detail"),
    path("business/<int:pk>/agents/", views.authorise_agent_view, name="authorise-agent"),
    path(
        "representations/<int:pk>/revoke/",
        views.revoke_representation_view,
        name="revoke-representation",
    ),
    path("workbench/", views.workbench_view, name="workbench"),
    path("people/", views.people_view, name="people"),
    path("people/<int:pk>/reveal/", views.reveal_view, name="reveal"),
    path("staff/", views.staff_list_view, name="staff"),
    path("staff/new/", views.staff_create_view, name="staff-create"),
    path("staff/<int:pk>/", views.staff_detail_view, name="staff-detail"),
    path("staff/<int:pk>/grants/", views.grant_role_view, name="grant-role"),
    path("staff/<int:pk>/data-grants/", views.data_grant_view, name="data-grant"),
    path("grants/<int:pk>/revoke/", views.revoke_grant_view, name="revoke-grant"),
    path("security-log/", views.security_log_view, name="security-log"),
]
