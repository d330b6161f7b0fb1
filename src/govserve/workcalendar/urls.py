from django.urls import path

from . import views

app_name = "workcalendar"
urlpatterns = [
    path("calculator/", views.calculator_view, name="calculator"),
]
