from django.apps import AppConfig


class ExportConfig(AppConfig):
    name = "journeyboard.export"
    verbose_name = "Export"
