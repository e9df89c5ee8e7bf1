"""Table 3 of the annual report (三、收到和处理政府信息公开申请情况) from the register.

``table3(agencies, year)`` returns {row: {column: count}}, rows and columns keyed by the
form's own labels (domain.md §6): a row is a tuple of its labels from the top, e.g.
``("一、本年新收政府信息公开申请数量",)`` or ``("三、本年度办理结果", "（三）不予公开",
"1.属于国家秘密")``; columns are 自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他
and 总计. ``ROWS`` lists every row key in the form's order.

A case counts from the day it was received (an online application the agency has not yet
confirmed is not yet received); it is 办理 in the year its reply is dated. So 一 + 二 =
三（七） + 四 holds for every column, as the form's 勾稽 rule asks.
"""

import datetime as dt

from django.db.models import Count, Q

from . import outcomes
from .models import ApplicantType, Application

COLUMNS = [label for _, label in ApplicantType.choices] + ["总计"]
TOTAL_COLUMN = "总计"


def _rows() -> list[tuple[str, ...]]:
    rows = [(outcomes.NEW,), (outcomes.CARRIED_IN,)]
    for group, leaves in outcomes.GROUPS:
        if len(leaves) == 1 and leaves[0][1] == group:
            rows.append((outcomes.RESULTS, group))
        else:
            rows += [(outcomes.RESULTS, group, label) for _, label in leaves]
    rows += [(outcomes.RESULTS, outcomes.TOTAL), (outcomes.CARRIED_OUT,)]
    return rows


ROWS = _rows()


def table3(agencies, year: int) -> dict[tuple[str, ...], dict[str, int]]:
    """Counts for ``agencies`` (an Agency, an id, or an iterable of either) in ``year``."""
    if not isinstance(agencies, list | tuple | set) and not hasattr(agencies, "model"):
        agencies = [agencies]
    ids = [getattr(a, "pk", a) for a in agencies]
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    cases = Application.objects.filter(agency__in=ids, received_on__isnull=False)
    table = {row: dict.fromkeys(COLUMNS, 0) for row in ROWS}
    labels = dict(ApplicantType.choices)

    def add(row, queryset, by="applicant_type"):
        for kind, n in queryset.values_list(by).annotate(n=Count("pk")).order_by():
            table[row][labels[kind]] += n

    add((outcomes.NEW,), cases.filter(received_on__range=(start, end)))
    add((outcomes.CARRIED_IN,), cases.filter(received_on__lt=start).filter(
        Q(replied_on__isnull=True) | Q(replied_on__gte=start)))
    add((outcomes.CARRIED_OUT,), cases.filter(received_on__lte=end).filter(
        Q(replied_on__isnull=True) | Q(replied_on__gt=end)))
    replied = cases.filter(replied_on__range=(start, end)).exclude(outcome="")
    for outcome, kind, n in replied.values_list("outcome", "applicant_type").annotate(
            n=Count("pk")).order_by():
        table[outcomes.row_key(outcome)][labels[kind]] += n
        table[(outcomes.RESULTS, outcomes.TOTAL)][labels[kind]] += n
    for counts in table.values():
        counts[TOTAL_COLUMN] = sum(v for k, v in counts.items() if k != TOTAL_COLUMN)
    return table
