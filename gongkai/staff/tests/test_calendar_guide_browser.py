"""The calendar and the 公开指南 admin pages in a browser without JavaScript: a year entered by
hand, a file loaded, a guide written — and the pages within the CSP."""

import datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client

from gongkai.accounts.models import Membership, Role
from gongkai.catalog.models import Agency
from gongkai.guides.models import Guide
from gongkai.test import BROWSER_MARKS, BrowserTestCase
from gongkai.workdays import clock

pytestmark = BROWSER_MARKS


class NoJavaScriptAdminTestCase(BrowserTestCase):
    def signed_in_page(self, user):
        client = Client()
        client.force_login(user)
        page = self.new_page(java_script_enabled=False)
        page.context.add_cookies([{
            "name": settings.SESSION_COOKIE_NAME, "url": self.live_server_url,
            "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])
        return page

    def test_the_site_administrator_enters_a_year_and_loads_a_file(self):
        admin = User.objects.create_superuser("siteadmin", "a@example.gov.cn", "Gk-test-pw-2025!")
        page = self.signed_in_page(admin)
        page.goto(f"{self.live_server_url}/admin/workdays/holidayyear/add/")
        page.fill("#id_year", "2027")
        page.fill("#id_days-0-date", "2027-01-01")
        page.select_option("#id_days-0-kind", label="放假")
        page.fill("#id_days-0-name", "元旦")
        page.click("input[name=_save]")
        assert "节假日年份" in page.inner_text("#content") and "2027" in page.inner_text("#result_list")
        assert not clock.is_working_day(datetime.date(2027, 1, 1))
        page.click("text=从文件载入")
        page.set_input_files("#id_file", files=[{
            "name": "2028.csv", "mimeType": "text/csv",
            "buffer": "date,kind,name\n2028-01-01,放假,元旦\n".encode()}])
        page.click("input[type=submit]")
        assert "已载入2028年的 1 个日期" in page.inner_text("body")
        assert clock.year_known(2028)
        self.assert_no_csp_violations(page)

    def test_a_manager_writes_the_guide(self):
        agency = Agency.objects.create(name="深圳市罗湖区翠竹街道办事处")
        manager = User.objects.create_user("manager", password="Gk-test-pw-2025!", is_staff=True)
        Membership.objects.create(user=manager, agency=agency, role=Role.MANAGER)
        page = self.signed_in_page(manager)
        page.goto(f"{self.live_server_url}/admin/catalog/agency/")
        page.click("text=没有，新建")
        assert page.locator("#id_agency").input_value() == str(agency.pk)  # preselected
        for label, value in [("受理机构", "党政综合办公室"), ("办公地址", "翠竹路1号"),
                             ("办公时间", "工作日"), ("联系电话", "0755-1234 5678"),
                             ("通信地址", "翠竹路1号"), ("邮政编码", "518000"),
                             ("依申请公开", "书面申请。"), ("收费", "不收费。"),
                             ("监督和救济", "行政复议。")]:
            page.get_by_role("textbox", name=label).fill(value)
        page.click("input[name=_save]")
        guide = Guide.objects.get(agency=agency)
        page.goto(self.live_server_url + guide.get_absolute_url())
        assert "党政综合办公室" in page.inner_text(".guide-contact")
        self.assert_no_csp_violations(page)
