from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    """Live updates: the board WebSocket and the broadcast of every committed change."""

    name = "journeyboard.realtime"
    label = "realtime"

    def ready(self):
        from journeyboard.boards.signals import change_committed

        from .broadcast import on_change_committed

        # dispatch_uid: connected once, however often ready() runs (tests may call it again).
        change_committed.connect(on_change_committed, dispatch_uid="journeyboard.realtime.broadcast")
