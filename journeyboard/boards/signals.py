"""What the board domain announces, for whoever wants to know (realtime/apps.py listens).

The domain never imports its transports: `changes.record` sends `change_committed` once
the change's transaction commits, and the live-update side connects to it.
"""

from django.dispatch import Signal

# Sent after commit with `event` (the BoardEvent) and `origin` (the client id of the page
# that made the change, or ""). Never sent for a change that was rolled back.
change_committed = Signal()
