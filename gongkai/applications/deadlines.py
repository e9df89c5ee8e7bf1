"""The statutory clock of a case, in one place (条例 arts. 30–34; 国办函〔2020〕109号).

Working days come from ``gongkai.workdays.clock`` (调休 included; day 1 is the first working
day after the start). The rules:

- reply within 20 working days of receipt (art. 33), receipt dated by channel (art. 31);
- a 补正 notice within 7 working days of receipt, once, with a deadline; while the applicant
  has not supplemented, the reply clock does not run, and it starts again, from zero, on the
  day the supplement arrives (art. 30); no supplement by the deadline closes the case as
  withdrawn (Table 3: 其他处理 1);
- one extension of at most 20 working days, approved and notified (art. 33);
- the clock stops while a third party (art. 32) or a co-producing agency (art. 34) is
  consulted — 15 working days for their answer — and while a fee notice waits for payment;
  working days d with started < d <= ended are not counted. A stop still open counts to its
  expected end, so the due date shown is what it will be if the other side takes its time;
- no payment by the fee deadline closes the case (Table 3: 其他处理 2).

A due date that crosses a year whose 放假/调休 days are not yet known counts weekends alone
there and is provisional; ``recompute`` runs again when the year is entered.
"""

import datetime as dt
from dataclasses import dataclass

from gongkai.workdays.clock import add_working_days, working_days_between

REPLY_DAYS = 20
SUPPLEMENT_NOTICE_DAYS = 7
MAX_EXTENSION_DAYS = 20
CONSULTATION_DAYS = 15
# Platform defaults, not the law's: the period the applicant is given to supplement or to pay.
SUPPLEMENT_PERIOD_DAYS = 15
PAYMENT_PERIOD_DAYS = 20
# The dashboard flags a case "临近期限" this many working days before it is due.
NEARLY_DUE_DAYS = 3


@dataclass(frozen=True)
class ReplyDue:
    date: dt.date | None  # None: the clock is not running (not yet received, or 补正 awaited)
    provisional: bool = False
    paused: bool = False  # a stop is open: the date assumes it lasts its full term


def clock_start(app) -> dt.date | None:
    """The day the 20 working days count from: receipt, or the supplement once it came."""
    if app.supplemented_on:
        return app.supplemented_on
    if app.supplement_requested_on:
        return None  # 补正 asked for and not yet supplied: the clock waits
    return app.received_on


def pause_end(pause) -> dt.date:
    """Where a stop ends: its end, else its expected end, else 15 working days on."""
    return pause.ended_on or pause.expected_end or \
        add_working_days(pause.started_on, CONSULTATION_DAYS).date


def stopped_days(start: dt.date, pauses) -> int:
    """Working days within stops after ``start``, overlapping stops counted once."""
    spans = sorted((max(p.started_on, start), pause_end(p)) for p in pauses
                   if pause_end(p) > start)
    total, reached = 0, start
    for begin, end in spans:
        begin = max(begin, reached)
        if end > begin:
            total += working_days_between(begin, end)
            reached = end
    return total


def reply_due(app, pauses=None) -> ReplyDue:
    """When the reply is due, given the case's dates and its stops (``app.pauses`` by default)."""
    start = clock_start(app)
    if start is None:
        return ReplyDue(None)
    if pauses is None:
        pauses = app.pauses.all() if app.pk else []
    pauses = list(pauses)
    days = REPLY_DAYS + (app.extension_days or 0) + stopped_days(start, pauses)
    due = add_working_days(start, days)
    return ReplyDue(due.date, due.provisional,
                    paused=any(p.ended_on is None and p.started_on >= start for p in pauses))


def supplement_notice_due(received_on: dt.date):
    """The last day for the one 补正 notice (a ``Due``)."""
    return add_working_days(received_on, SUPPLEMENT_NOTICE_DAYS)


def default_supplement_deadline(notice_on: dt.date) -> dt.date:
    return add_working_days(notice_on, SUPPLEMENT_PERIOD_DAYS).date


def default_payment_deadline(notice_on: dt.date) -> dt.date:
    return add_working_days(notice_on, PAYMENT_PERIOD_DAYS).date


def consultation_end(started_on: dt.date) -> dt.date:
    return add_working_days(started_on, CONSULTATION_DAYS).date


def recompute(app) -> tuple[tuple, tuple]:
    """Store the case's due date; return (old, new) as (date, provisional) pairs."""
    old = (app.due_on, app.due_provisional)
    due = reply_due(app) if app.is_open else ReplyDue(app.due_on, app.due_provisional)
    app.due_on, app.due_provisional = due.date, due.provisional
    return old, (app.due_on, app.due_provisional)


def expired(app, today: dt.date) -> str | None:
    """Why an open case closes today by itself: "supplement" or "fee"; None if it does not."""
    if not app.is_open:
        return None
    if app.awaiting_supplement and app.supplement_deadline and today > app.supplement_deadline:
        return "supplement"
    if app.awaiting_payment and app.fee_deadline and today > app.fee_deadline:
        return "fee"
    return None


def nearly_due_limit(today: dt.date) -> dt.date:
    """The last due date that counts as 临近期限 today (NEARLY_DUE_DAYS working days on):
    one count for a whole list, not one per case."""
    return add_working_days(today, NEARLY_DUE_DAYS).date


def flag(due_on: dt.date | None, today: dt.date, limit: dt.date | None = None) -> str:
    """"overdue", "nearly" (due within NEARLY_DUE_DAYS working days) or ""."""
    if due_on is None:
        return ""
    if due_on < today:
        return "overdue"
    if due_on <= (limit or nearly_due_limit(today)):
        return "nearly"
    return ""
