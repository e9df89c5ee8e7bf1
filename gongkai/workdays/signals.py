"""What the clock tells the apps above it."""

from django.dispatch import Signal

# Sent with ``year=<int>`` after a year's 放假/调休 days are entered, loaded, changed or
# removed, inside the transaction that wrote them: receivers (the case register recomputing its
# due dates) read the new days, and a receiver that raises rolls the change back with them.
calendar_changed = Signal()
