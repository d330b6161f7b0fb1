from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    # applicants
    path("cases/", views.my_cases, name="mine"),
    path("cases/notifications/", views.notifications_page, name="notifications"),
    path("cases/apply/item/<int:pk>/", views.apply_item, name="apply-item"),
    path("cases/apply/bundle/<str:code>/", views.apply_bundle, name="apply-bundle"),
    path("cases/<int:pk>/", views.case_page, name="case"),
    path("cases/<int:pk>/edit/", views.edit_draft, name="edit"),
    path("cases/<int:pk>/receipt/", views.receipt, name="receipt"),
    path("cases/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("cases/<int:pk>/resubmit/", views.resubmit, name="resubmit"),
    path("cases/<int:pk>/documents/<int:doc>/", views.document_download, name="document"),
    path("cases/<int:pk>/materials/<int:material_pk>/", views.material_download, name="material"),
    # counter clerks (综合窗口)
    path("counter/", views.counter_home, name="counter"),
    path("counter/register/", views.counter_register, name="counter-register"),
    path("counter/forget/", views.counter_forget, name="counter-forget"),
    path("counter/apply/item/<int:pk>/", views.counter_apply_item, name="counter-apply-item"),
    path(
        "counter/apply/bundle/<str:code>/", views.counter_apply_bundle, name="counter-apply-bundle"
    ),
    path("counter/cases/<int:pk>/", views.staff_case, name="staff-case"),
    path("counter/cases/<int:pk>/<str:act>/", views.staff_action, name="staff-action"),
]
