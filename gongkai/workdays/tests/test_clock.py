"""The clock against dates worked out by hand from the State Council's notices.

2025 (国办发明电〔2024〕12号, 2024-11-12): 春节 1月28日(周二)至2月4日(周二)放假, 1月26日(周日)、
2月8日(周六)上班; 国庆节、中秋节 10月1日(周三)至8日(周三)放假, 9月28日(周日)、10月11日(周六)上班.
2026 (国务院办公厅, 2025-11-04): 元旦 1月1日至3日放假, 1月4日(周日)上班; 春节 2月15日(周日)至23日
(周一)放假, 2月14日(周六)、2月28日(周六)上班; 中秋节 9月25日(周五)至27日(周日); 国庆节 10月1日(周四)
至7日(周三)放假, 9月20日(周日)、10月10日(周六)上班. The package (chinese-calendar 1.11.0) agrees
with both notices (test_package_matches_the_notices); 2027 was not announced when it was released.
"""

import datetime

import pytest

from gongkai.workdays import clock, entry
from gongkai.workdays.clock import Due, add_working_days, is_working_day, working_days_between
from gongkai.workdays.models import DayKind
from gongkai.workdays.signals import calendar_changed

pytestmark = pytest.mark.django_db
D = datetime.date


def test_package_matches_the_notices():
    off_2026 = {D(2026, 1, d) for d in (1, 2, 3)} | {D(2026, 2, d) for d in range(15, 24)} | {
        D(2026, 4, d) for d in (4, 5, 6)} | {D(2026, 5, d) for d in range(1, 6)} | {
        D(2026, 6, d) for d in (19, 20, 21)} | {D(2026, 9, d) for d in (25, 26, 27)} | {
        D(2026, 10, d) for d in range(1, 8)}
    work_2026 = {D(2026, 1, 4), D(2026, 2, 14), D(2026, 2, 28), D(2026, 5, 9), D(2026, 9, 20),
                 D(2026, 10, 10)}
    days = clock.year_days(2026)
    assert {d.date for d in days if d.kind == DayKind.OFF} == off_2026
    assert {d.date for d in days if d.kind == DayKind.WORK} == work_2026
    work_2025 = {d.date for d in clock.year_days(2025) if d.kind == DayKind.WORK}
    assert work_2025 == {D(2025, 1, 26), D(2025, 2, 8), D(2025, 4, 27), D(2025, 9, 28),
                         D(2025, 10, 11)}


def test_spring_festival_2025():
    # From Mon 2025-01-20: 21,22,23,24 (4); Sun 26 调休上班 (5); Mon 27 (6); 28 Jan–4 Feb 放假;
    # 5,6,7 Feb (9); Sat 8 调休上班 (10); 10–14 (15); 17–21 (20) → Fri 2025-02-21.
    assert add_working_days(D(2025, 1, 20), 20) == Due(D(2025, 2, 21), provisional=False)
    assert is_working_day(D(2025, 1, 26))  # a Sunday
    assert not is_working_day(D(2025, 2, 3))  # a Monday
    assert not is_working_day(D(2025, 1, 25))  # an ordinary Saturday
    assert working_days_between(D(2025, 1, 20), D(2025, 2, 21)) == 20


def test_national_day_2025():
    # From Fri 2025-09-26: Sun 28 调休上班 (1); 29, 30 (3); 1–8 Oct 放假; Thu 9, Fri 10 (5);
    # Sat 11 调休上班 (6); 13–17 (11); 20–24 (16); 27, 28, 29, 30 (20) → Thu 2025-10-30.
    assert add_working_days(D(2025, 9, 26), 20) == Due(D(2025, 10, 30), False)
    # 补正 notice within 7 working days of Tue 2025-09-30: 9, 10, 11, 13, 14, 15, 16 Oct.
    assert add_working_days(D(2025, 9, 30), 7).date == D(2025, 10, 16)


def test_spring_festival_2026():
    # From Tue 2026-02-10: 11, 12, 13 (3); Sat 14 调休上班 (4); 15–23 放假; 24–27 (8);
    # Sat 28 调休上班 (9); 2–6 Mar (14); 9–13 (19); Mon 16 (20) → 2026-03-16.
    assert add_working_days(D(2026, 2, 10), 20) == Due(D(2026, 3, 16), False)
    # The extension (art. 33) counts on from the first due date: 17–20 Mar (4), 23–27 (9),
    # 30, 31 Mar, 1–3 Apr (14), 4–6 Apr 清明 放假, 7–10 (18), 13, 14 (20) → 2026-04-14.
    assert add_working_days(D(2026, 3, 16), 20).date == D(2026, 4, 14)


def test_national_day_2026():
    # From Fri 2026-09-18: Sun 20 调休上班 (1); 21–24 (5); 25–27 中秋 放假; 28, 29, 30 (8);
    # 1–7 Oct 放假; Thu 8, Fri 9 (10); Sat 10 调休上班 (11); 12–16 (16); 19–22 (20) → 2026-10-22.
    assert add_working_days(D(2026, 9, 18), 20) == Due(D(2026, 10, 22), False)
    assert add_working_days(D(2026, 9, 18), 7).date == D(2026, 9, 29)
    assert working_days_between(D(2026, 9, 18), D(2026, 10, 22)) == 20


def test_counting_rules():
    # Day 1 is the first working day after the start, whatever the start is.
    assert add_working_days(D(2026, 2, 14), 1).date == D(2026, 2, 24)  # a 调休 Saturday start
    assert add_working_days(D(2026, 3, 2), 0) == Due(D(2026, 3, 2), False)
    assert working_days_between(D(2026, 3, 6), D(2026, 3, 2)) == 0
    assert working_days_between(D(2026, 3, 6), D(2026, 3, 6)) == 0
    with pytest.raises(ValueError):
        add_working_days(D(2026, 3, 2), -1)
    with pytest.raises(TypeError):
        add_working_days(datetime.datetime(2026, 3, 2, 9), 1)
    with pytest.raises(TypeError):
        add_working_days(D(2026, 3, 2), 1.5)


def test_a_count_into_a_year_nobody_knows_is_provisional_until_the_year_is_entered():
    assert clock.year_known(2026) and not clock.year_known(2027)
    # From Sun 2026-12-20 with weekends alone in 2027: 21–25 Dec (5); 28–31 (9); Fri 1 Jan (10);
    # 4–8 Jan (15); 11–15 (20) → Fri 2027-01-15, provisional.
    assert add_working_days(D(2026, 12, 20), 20) == Due(D(2027, 1, 15), provisional=True)
    # A count that stays in 2026 is not provisional.
    assert not add_working_days(D(2026, 12, 20), 9).provisional

    # A made-up 2027 notice (the real one was not out when this was written): 元旦 1–3 Jan 放假.
    sent = []

    def receiver(sender, year, **kwargs):
        sent.append(year)

    calendar_changed.connect(receiver)
    try:
        year, days = entry.parse("date,kind,name\n2027-01-01,放假,元旦\n2027-01-02,放假,元旦\n"
                                 "2027-01-03,放假,元旦\n")
        entry.replace_year(year, days)
    finally:
        calendar_changed.disconnect(receiver)
    assert sent == [2027]
    # Now Fri 1 Jan is a day off: 21–25 Dec (5); 28–31 (9); 4–8 Jan (14); 11–15 (19);
    # Mon 18 (20) → 2027-01-18, no longer provisional.
    assert clock.year_known(2027)
    assert add_working_days(D(2026, 12, 20), 20) == Due(D(2027, 1, 18), provisional=False)


def test_entered_days_win_over_the_package():
    # Staff correct 2026 as if the notice had moved 春节's make-up day from 14 Feb to 15 Feb:
    # the entered year replaces the package's 2026 wholesale.
    year, days = entry.parse("date,kind,name\n2026-02-15,调休上班,春节\n2026-02-16,放假,春节\n")
    entry.replace_year(year, days)
    assert is_working_day(D(2026, 2, 15))
    assert not is_working_day(D(2026, 2, 14))
    assert is_working_day(D(2026, 10, 1))  # no longer a holiday: nobody entered it
    assert clock.year_days(2026)[0].source == "录入"


def test_a_count_reads_each_entered_year_once(django_assert_num_queries):
    # The case register recomputes many due dates: one query per year a count touches,
    # however many days it counts (the package's years are in memory).
    with django_assert_num_queries(1):
        add_working_days(D(2026, 1, 5), 200)
    with django_assert_num_queries(2):
        assert add_working_days(D(2026, 12, 20), 20).provisional
    with django_assert_num_queries(1):
        working_days_between(D(2025, 1, 1), D(2025, 12, 31))
