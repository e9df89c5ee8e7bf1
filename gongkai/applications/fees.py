"""信息处理费 (国办函〔2020〕109号, domain.md §5): two methods, both 超额累进, one per case.

- 按件计收 (art. 4): an applicant's applications to one agency in one calendar month; the 1st
  to 10th are free, the 11th to 30th cost 100 元 each, and from the 31st each further band of
  ten costs 100 元 more per application (31st–40th 200 元, 41st–50th 300 元 …).
- 按量计收 (art. 5): the pages of one case; 1–30 free, 31–100 10 元/页, 101–200 20 元/页,
  201 and beyond 40 元/页, each band at its own rate.
"""

PAGE_BANDS = ((30, 0), (100, 10), (200, 20), (None, 40))  # (up to page, 元 per page)


def per_application_fee(ordinal: int) -> int:
    """The fee of an applicant's ``ordinal``-th application to the agency this month."""
    if ordinal <= 10:
        return 0
    if ordinal <= 30:
        return 100
    return 100 * (2 + (ordinal - 31) // 10)


def per_page_fee(pages: int) -> int:
    """The fee for ``pages`` pages, each band at its own rate."""
    total, lower = 0, 0
    for upper, rate in PAGE_BANDS:
        top = pages if upper is None else min(pages, upper)
        if top > lower:
            total += (top - lower) * rate
        if upper is None or pages <= upper:
            break
        lower = upper
    return total


def ordinal_in_month(app) -> int:
    """Which of its applicant's applications to this agency in its calendar month ``app`` is."""
    from .models import Application

    day = app.received_on or app.submitted_at.date()
    same = Application.objects.filter(
        agency_id=app.agency_id, id_number=app.id_number,
        received_on__year=day.year, received_on__month=day.month)
    earlier = same.filter(received_on__lt=day).count() + \
        same.filter(received_on=day, pk__lt=app.pk).count()
    return earlier + 1


def fee_for(app, method: str, pages: int | None = None) -> int:
    from .models import FeeMethod

    if method == FeeMethod.PER_PAGE:
        return per_page_fee(pages or 0)
    return per_application_fee(ordinal_in_month(app))
