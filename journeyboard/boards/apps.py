from django.apps import AppConfig


class BoardsConfig(AppConfig):
    name = "journeyboard.boards"
    label = "boards"
