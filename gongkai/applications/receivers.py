"""The clock tells the register when a year's 放假/调休 days change (gongkai.workdays)."""

from gongkai.workdays.signals import calendar_changed


def on_calendar_changed(sender, year: int, **kwargs):
    from .cases import recompute_year

    recompute_year(year)


def connect() -> None:
    calendar_changed.connect(on_calendar_changed, dispatch_uid="applications_recompute")
