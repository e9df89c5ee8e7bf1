"""一屏可视: the statistics page shows public catalogue counts and the figures of public
annual reports only, each chart with its table; a report in review shows nothing."""

from django.core.cache import caches

from gongkai.catalog.models import Agency
from gongkai.documents import workflow
from gongkai.reports.build import build, to_json
from gongkai.reports.models import AnnualReport
from gongkai.reports.publish import submit
from gongkai.reports.tests.test_reports import ReportWorld


def load_public_report(agency, year, new_applications):
    """A past year's report, as loaded from its published text."""
    data = to_json(build(agency, 2025))
    data["年度"] = year
    t3 = data["三、收到和处理政府信息公开申请情况"]
    extra = new_applications - t3["一、本年新收政府信息公开申请数量"]["总计"]
    for row in (t3["一、本年新收政府信息公开申请数量"], t3["四、结转下年度继续办理"]):
        row["自然人"] += extra
        row["总计"] += extra
    return AnnualReport.objects.create(agency=agency, year=year, loaded=data)


class StatisticsPageTests(ReportWorld):
    def setUp(self):
        for cache in ("default", "pages", "shared_pages"):
            try:
                caches[cache].clear()
            except Exception:  # noqa: BLE001 — an alias not configured here
                pass

    def test_catalogue_counts_and_public_reports_only(self):
        load_public_report(self.cuizhu, 2024, 654321)
        url = f"/agencies/{self.cuizhu.pk}/statistics/"
        html = self.client.get(url).content.decode()
        self.assertIn("每年主动公开的政府信息", html)
        self.assertIn("<svg", html)
        self.assertIn("<caption>主动公开的政府信息（按体裁分类）", html)
        self.assertIn("654321", html)  # the loaded 2024 report
        self.assertNotIn("<script", html)
        self.assertNotIn("style=", html.split("<article")[1])
        # 2025 in review: its 7 new applications do not show until it is published
        doc = submit(self.saved)
        html = self.client.get(url).content.decode()
        self.assertNotIn("<th scope=\"row\">2025年</th><td>7</td>", html)
        workflow.publish(doc)
        html = self.client.get(url).content.decode()
        self.assertIn("<th scope=\"row\">2025年</th><td>7</td>", html)
        self.assertIn("<th scope=\"row\">2025年</th><td>380</td>", html)  # fees

    def test_government_page_sums_its_agencies(self):
        district = Agency.objects.create(name="罗湖区人民政府")
        Agency.objects.filter(pk=self.cuizhu.pk).update(parent=district)
        load_public_report(self.cuizhu, 2024, 100)
        load_public_report(district, 2024, 20)
        agency_page = self.client.get(f"/agencies/{district.pk}/statistics/").content.decode()
        self.assertIn(f'href="/agencies/{district.pk}/statistics/government/"', agency_page)
        html = self.client.get(f"/agencies/{district.pk}/statistics/government/").content.decode()
        self.assertIn("含下属机构1个", html)
        self.assertIn("<th scope=\"row\">2024年</th><td>120</td>", html)
        self.assertEqual(
            self.client.get(f"/agencies/{self.gwyb.pk}/statistics/government/").status_code, 404)
        self.assertEqual(self.client.get("/agencies/999999/statistics/").status_code, 404)
