"""Make sure the demo account and its demo board exist (idempotent: `make run` calls it every time)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from journeyboard.boards.demo import DEMO_PASSWORD, DEMO_USERNAME, ensure_demo_board


class Command(BaseCommand):
    help = "Create the demo account and a demo board from the 10-step template, if missing."

    def handle(self, *args, **options):
        User = get_user_model()
        user, created = User.objects.get_or_create(username=DEMO_USERNAME)
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        board = ensure_demo_board(user)
        self.stdout.write(
            f"Demo account: username {DEMO_USERNAME!r}, password {DEMO_PASSWORD!r}"
            + ("" if created else " (unless you changed it)")
        )
        self.stdout.write(f"Demo board: {board.get_absolute_url()}")
