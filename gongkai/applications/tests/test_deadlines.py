"""The statutory clock against dates worked out by hand (calendars: chinese-calendar's 2025
and 2026 notices; 2027 unknown until a test enters it).

2026 春节: 2月15日–23日 放假, 2月14日 (六) and 2月28日 (六) 上班.
2025 国庆、中秋: 10月1日–8日 放假, 9月28日 (日) and 10月11日 (六) 上班.
"""

from django.core import mail

from gongkai.accounts.models import Role
from gongkai.accounts.tests.cast import staff_user
from gongkai.applications import cases, deadlines
from gongkai.applications.models import EventKind, PauseKind
from gongkai.test import BaseTestCase
from gongkai.workdays.entry import Entry, replace_year
from gongkai.workdays.models import DayKind

from .helpers import d, make_application


class ClockTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.head = staff_user("head_a", (cls.cuizhu, Role.REVIEWER))

    def due(self, app):
        app.refresh_from_db()
        return app.due_on, app.due_provisional

    def test_spring_festival(self):
        # Received Mon 2月9日: 10–13 (1–4), 14 Sat worked (5), 15–23 off, 24–27 (6–9),
        # 28 Sat worked (10), 3月2–6 (11–15), 9–13 (16–20).
        app = make_application(self.cuizhu, received_on=d("2026-02-09"))
        self.assertEqual(self.due(app), (d("2026-03-13"), False))
        # The 补正 notice: day 7 is 2月25日.
        self.assertEqual(deadlines.supplement_notice_due(d("2026-02-09")).date, d("2026-02-25"))

    def test_national_day(self):
        # Received Fri 9月26日: 28 Sun worked (1), 29–30 (2–3), 10月1–8 off, 9–10 (4–5),
        # 11 Sat worked (6), 13–17 (7–11), 20–24 (12–16), 27–30 (17–20).
        app = make_application(self.cuizhu, received_on=d("2025-09-26"))
        self.assertEqual(self.due(app), (d("2025-10-30"), False))

    def test_supplement_restarts_the_clock(self):
        app = make_application(self.cuizhu, received_on=d("2025-09-26"))
        with self.captureOnCommitCallbacks(execute=True):
            cases.request_supplement(app, user=self.head, request="请写明项目名称",
                                     deadline=d("2025-10-20"), on=d("2025-09-30"))
        self.assertEqual(self.due(app), (None, False))  # waiting: the clock does not run
        cases.supplement(app, text="翠竹北社区改造项目", on=d("2025-10-10"))
        # From Fri 10月10日: 11 Sat worked (1), 13–17 (2–6), 20–24 (7–11), 27–31 (12–16),
        # 11月3–6 (17–20).
        self.assertEqual(self.due(app), (d("2025-11-06"), False))
        kinds = list(app.events.values_list("kind", flat=True))
        self.assertEqual(kinds, [EventKind.SUPPLEMENT_REQUESTED, EventKind.SUPPLEMENTED])
        self.assertIn("请写明项目名称", mail.outbox[0].body)

    def test_supplement_notice_only_within_seven_working_days_and_once(self):
        # Received 9月26日: day 7 is 10月13日 (28, 29, 30, 9, 10, 11, 13).
        app = make_application(self.cuizhu, received_on=d("2025-09-26"))
        with self.assertRaisesMessage(cases.CaseError, "2025-10-13"):
            cases.request_supplement(app, user=self.head, request="x", on=d("2025-10-14"))
        cases.request_supplement(app, user=self.head, request="x", on=d("2025-10-13"),
                                 deadline=d("2025-10-31"))
        with self.assertRaisesMessage(cases.CaseError, "只能通知一次"):
            cases.request_supplement(app, user=self.head, request="y", on=d("2025-10-13"))

    def test_no_supplement_by_the_deadline_closes_the_case(self):
        app = make_application(self.cuizhu, received_on=d("2025-09-26"))
        cases.request_supplement(app, user=self.head, request="请写明项目名称",
                                 deadline=d("2025-10-20"), on=d("2025-09-30"))
        self.assertEqual(cases.tick(d("2025-10-20")), [])  # the deadline day itself is still open
        self.assertEqual([a.pk for a in cases.tick(d("2025-10-21"))], [app.pk])
        app.refresh_from_db()
        self.assertEqual((app.stage, app.outcome), ("replied", "other_no_supplement"))
        self.assertIn("视为放弃申请", app.reply_letter)

    def test_extension(self):
        # 10月30日 + 20: 31 (1), 11月3–7 (2–6), 10–14 (7–11), 17–21 (12–16), 24–27 (17–20).
        app = make_application(self.cuizhu, received_on=d("2025-09-26"))
        with self.captureOnCommitCallbacks(execute=True):
            cases.extend(app, user=self.head, days=20, approved_by="李主任",
                         reason="涉及档案调取", on=d("2025-10-20"))
        self.assertEqual(self.due(app), (d("2025-11-27"), False))
        with self.assertRaisesMessage(cases.CaseError, "只能延长一次"):
            cases.extend(app, user=self.head, days=5, approved_by="李主任")
        self.assertIn("2025年11月27日", mail.outbox[-1].body)

    def test_extension_is_at_most_twenty_days_and_needs_approval(self):
        app = make_application(self.cuizhu, received_on=d("2025-09-26"))
        with self.assertRaisesMessage(cases.CaseError, "20个工作日"):
            cases.extend(app, user=self.head, days=21, approved_by="李主任")
        with self.assertRaisesMessage(cases.CaseError, "批准"):
            cases.extend(app, user=self.head, days=10, approved_by=" ")
        editor = staff_user("ed", (self.cuizhu, Role.EDITOR))
        from django.core.exceptions import PermissionDenied
        with self.assertRaises(PermissionDenied):
            cases.extend(app, user=editor, days=10, approved_by="李主任")

    def test_consultation_stops_the_clock(self):
        app = make_application(self.cuizhu, received_on=d("2025-09-26"))
        stop = cases.pause(app, user=self.head, kind=PauseKind.THIRD_PARTY, party="某公司",
                           on=d("2025-10-13"))
        # Open: counted to its expected end, 15 working days on (10月14日 … 11月3日), so
        # 10月30日 + 15: 31 (1), 11月3–7 (2–6), 10–14 (7–11), 17–20 (12–15).
        self.assertEqual(stop.expected_end, d("2025-11-03"))
        self.assertEqual(self.due(app), (d("2025-11-20"), False))
        # Answered Fri 10月17日: 14–17 were stopped (4 days): 10月30日 + 4 = 11月5日.
        cases.resume(app, stop, user=self.head, on=d("2025-10-17"))
        self.assertEqual(self.due(app), (d("2025-11-05"), False))

    def test_co_agency_consultation_and_overlap_count_once(self):
        app = make_application(self.cuizhu, received_on=d("2025-09-26"))
        one = cases.pause(app, user=self.head, kind=PauseKind.THIRD_PARTY, on=d("2025-10-13"))
        two = cases.pause(app, user=self.head, kind=PauseKind.CO_AGENCY, party="区财政局",
                          on=d("2025-10-15"))
        cases.resume(app, one, user=self.head, on=d("2025-10-17"))
        cases.resume(app, two, user=self.head, on=d("2025-10-20"))
        # Stopped: 14–17 and 20 (5 working days, the overlap once): 10月30日 + 5 = 11月6日.
        self.assertEqual(self.due(app), (d("2025-11-06"), False))

    def test_a_year_not_known_is_provisional_until_entered(self):
        # Received Tue 2026-12-15: 16–18 (1–3), 21–25 (4–8), 28–31 (9–12), then 2027 by
        # weekends alone: 1月1日 Fri (13), 4–8 (14–18), 11–12 (19–20).
        app = make_application(self.cuizhu, received_on=d("2026-12-15"))
        self.assertEqual(self.due(app), (d("2027-01-12"), True))
        mail.outbox.clear()
        app.assignee = self.head
        app.save()
        # 2027 entered with 1月1日 off: one day later, no longer provisional.
        with self.captureOnCommitCallbacks(execute=True):
            replace_year(2027, [Entry(d("2027-01-01"), DayKind.OFF, "元旦")])
        self.assertEqual(self.due(app), (d("2027-01-13"), False))
        event = app.events.get(kind=EventKind.DUE_CHANGED)
        self.assertFalse(event.seen)  # shown to the handler until read
        self.assertIn("2027-01-12（暂定）", event.text)
        self.assertIn("2027-01-13", event.text)
        self.assertEqual(mail.outbox[0].to, ["head_a@example.gov.cn"])

    def test_flags(self):
        self.assertEqual(deadlines.flag(d("2025-10-29"), d("2025-10-30")), "overdue")
        self.assertEqual(deadlines.flag(d("2025-11-04"), d("2025-10-30")), "nearly")  # 3 days
        self.assertEqual(deadlines.flag(d("2025-11-05"), d("2025-10-30")), "")  # 4 days


class CommandTests(BaseTestCase):
    def test_tick_and_table3(self):
        from io import StringIO

        from django.core.management import call_command

        head = staff_user("head_c", (self.cuizhu, Role.REVIEWER))
        app = make_application(self.cuizhu, received_on=d("2025-09-26"))
        cases.request_supplement(app, user=head, request="x", deadline=d("2025-10-20"),
                                 on=d("2025-09-30"))
        out = StringIO()
        call_command("applications", "tick", "--date", "2025-10-21", stdout=out)
        self.assertIn(app.tracking_code, out.getvalue())
        self.assertIn("终止办理 1 件", out.getvalue())
        out = StringIO()
        call_command("applications", "table3", "--agency", self.cuizhu.code, "--year", "2025",
                     stdout=out)
        self.assertIn("一、本年新收政府信息公开申请数量\t1\t0\t0\t0\t0\t0\t1", out.getvalue())
