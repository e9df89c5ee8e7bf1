from gongkai.accounts.models import Role
from gongkai.accounts.tests.cast import staff_user
from gongkai.applications import cases, fees
from gongkai.applications.models import FeeMethod, Stage
from gongkai.test import BaseTestCase

from .helpers import d, make_application


def test_per_application_tiers():
    # 109号 art. 4: 1–10 free; 11–30 100 元; 31–40 200 元; 41–50 300 元.
    assert [fees.per_application_fee(n) for n in (1, 10, 11, 30, 31, 40, 41, 50, 51)] == \
        [0, 0, 100, 100, 200, 200, 300, 300, 400]


def test_per_page_tiers():
    # 109号 art. 5: 1–30 free; 31–100 10 元/页; 101–200 20 元/页; 201+ 40 元/页.
    assert fees.per_page_fee(30) == 0
    assert fees.per_page_fee(31) == 10
    assert fees.per_page_fee(100) == 700  # 70 × 10
    assert fees.per_page_fee(150) == 700 + 50 * 20
    assert fees.per_page_fee(200) == 700 + 2000
    assert fees.per_page_fee(250) == 700 + 2000 + 50 * 40


class FeeCaseTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.head = staff_user("head_a", (cls.cuizhu, Role.REVIEWER))

    def test_the_eleventh_application_in_a_month_pays_and_unpaid_closes(self):
        apps = [make_application(self.cuizhu, received_on=d("2025-11-03"), stage=Stage.PROCESSING)
                for _ in range(11)]
        make_application(self.cuizhu, received_on=d("2025-10-31"))  # last month: not counted
        with self.assertRaisesMessage(cases.CaseError, "不需收费"):
            cases.fee_notice(apps[9], user=self.head, method=FeeMethod.PER_APPLICATION,
                             on=d("2025-11-04"))
        app = cases.fee_notice(apps[10], user=self.head, method=FeeMethod.PER_APPLICATION,
                               on=d("2025-11-04"))
        self.assertEqual(app.fee_amount, 100)
        # Payment period: 20 working days from 11月4日 = 12月2日; the clock stops meanwhile.
        self.assertEqual(app.fee_deadline, d("2025-12-02"))
        self.assertEqual(cases.tick(d("2025-12-02")), [])
        self.assertEqual([a.pk for a in cases.tick(d("2025-12-03"))], [app.pk])
        app.refresh_from_db()
        self.assertEqual(app.outcome, "other_fee_unpaid")

    def test_payment_restarts_the_clock_after_the_stop(self):
        app = make_application(self.cuizhu, received_on=d("2025-11-03"), stage=Stage.PROCESSING)
        # 11月3日 + 20 = 12月1日.
        self.assertEqual(app.due_on, d("2025-12-01"))
        cases.fee_notice(app, user=self.head, method=FeeMethod.PER_PAGE, pages=120,
                         on=d("2025-11-10"))
        self.assertEqual(app.fee_amount, 700 + 20 * 20)
        cases.fee_paid(app, user=self.head, on=d("2025-11-14"))
        # 11–14 stopped (4 days): 12月1日 + 4 = 12月5日.
        self.assertEqual(app.due_on, d("2025-12-05"))
