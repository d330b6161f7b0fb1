from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "govserve.api"
    verbose_name = "API"
