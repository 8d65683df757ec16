from django.urls import path

from journeyboard import converters  # noqa: F401 (registers the `id` path converter)

from .consumers import BoardConsumer

websocket_urlpatterns = [
    path("ws/boards/<id:board_id>/", BoardConsumer.as_asgi()),
]
