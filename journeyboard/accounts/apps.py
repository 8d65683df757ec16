from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "journeyboard.accounts"
    label = "accounts"
