"""The calendar's admin: the site administrator's alone, audited, and it moves the clock."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from gongkai.accounts.models import AuditEntry
from gongkai.accounts.tests.cast import StaffTestCase
from gongkai.workdays import clock
from gongkai.workdays.models import HolidayYear
from gongkai.workdays.signals import calendar_changed

ADD = "/admin/workdays/holidayyear/add/"
LOAD = "/admin/workdays/holidayyear/load/"


def inline(*rows):
    data = {"days-TOTAL_FORMS": str(len(rows)), "days-INITIAL_FORMS": "0",
            "days-MIN_NUM_FORMS": "0", "days-MAX_NUM_FORMS": "1000"}
    for n, (date, kind, name) in enumerate(rows):
        data |= {f"days-{n}-date": date, f"days-{n}-kind": kind, f"days-{n}-name": name}
    return data


class CalendarAdminTestCase(StaffTestCase):
    def setUp(self):
        self.sent = []
        calendar_changed.connect(self.receive)

    def tearDown(self):
        calendar_changed.disconnect(self.receive)

    def receive(self, sender, year, **kwargs):
        self.sent.append(year)

    def test_only_the_site_administrator_sees_the_calendar(self):
        for user in (self.manager_a, self.editor_b):
            self.client.force_login(user)
            assert self.client.get("/admin/workdays/holidayyear/").status_code == 403
            assert self.client.get(LOAD).status_code == 403
            assert "节假日年份" not in self.client.get("/admin/").content.decode()
        self.client.force_login(self.admin)
        page = self.client.get("/admin/workdays/holidayyear/").content.decode()
        assert "已知 2004–2026 年" in page and "从文件载入" in page

    def test_entering_a_year_by_hand_moves_the_clock_and_is_audited(self):
        self.client.force_login(self.admin)
        before = clock.add_working_days(datetime.date(2026, 12, 20), 20)
        assert before.provisional
        r = self.client.post(ADD, {"year": "2027", "source": "国办发明电〔2026〕测试号",
                                   **inline(("2027-01-01", "off", "元旦"), ("", "", ""))})
        assert r.status_code == 302, r.content.decode()[:3000]
        assert self.sent == [2027]
        # 1 Jan 2027 is now a day off: the same count ends one working day later, for sure.
        assert clock.add_working_days(datetime.date(2026, 12, 20), 20) == clock.Due(
            datetime.date(2027, 1, 18), provisional=False)
        entry = AuditEntry.objects.get(object_type="holidayyear")
        assert entry.username == "siteadmin" and "2027-01-01 放假 元旦" in entry.detail

    def test_a_wrong_day_is_refused_with_a_reason_and_nothing_is_saved(self):
        self.client.force_login(self.admin)
        r = self.client.post(ADD, {"year": "2027", **inline(("2026-12-31", "off", ""),
                                                             ("2027-01-04", "work", ""))})
        html = r.content.decode()
        assert r.status_code == 200
        assert "2026-12-31 不在2027年" in html and "2027-01-04 是周一，本来就上班" in html
        assert not HolidayYear.objects.exists() and self.sent == []

    def test_loading_a_file_in_the_admin(self):
        self.client.force_login(self.admin)
        bad = SimpleUploadedFile("2027.csv", "date,kind,name\n2027-01-01,放假,元旦\n2027-1-2,放假,\n"
                                 .encode())
        html = self.client.post(LOAD, {"file": bad}).content.decode()
        assert "文件未载入" in html and "第3行" in html
        assert not HolidayYear.objects.exists()
        good = SimpleUploadedFile("2027.csv", "date,kind,name\n2027-01-01,放假,元旦\n".encode())
        r = self.client.post(LOAD, {"file": good, "source": "通知"})
        year = HolidayYear.objects.get()
        assert r.status_code == 302 and r["Location"].endswith(f"/{year.pk}/change/")
        assert self.sent == [2027] and not clock.is_working_day(datetime.date(2027, 1, 1))
        assert AuditEntry.objects.filter(object_type="holidayyear", action="import").exists()

    def test_deleting_an_entered_year_falls_back_to_the_package(self):
        self.client.force_login(self.admin)
        year = HolidayYear.objects.create(year=2026)  # entered, with no days: 1 Oct works
        assert clock.is_working_day(datetime.date(2026, 10, 1))
        r = self.client.post(f"/admin/workdays/holidayyear/{year.pk}/delete/", {"post": "yes"})
        assert r.status_code == 302 and self.sent == [2026]
        assert not clock.is_working_day(datetime.date(2026, 10, 1))
