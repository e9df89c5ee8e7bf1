"""The annual report of 翠竹街道办 for 2025, worked out by hand from the documents and cases
built below, cell by cell; the checks failing; the print page and the DOCX agreeing."""

import datetime as dt
import io
import json
import re
import tempfile
from decimal import Decimal
from pathlib import Path

from django.core.management import CommandError, call_command
from docx import Document as Docx

from gongkai.applications.models import ApplicantType, Stage
from gongkai.applications.stats import COLUMNS, ROWS
from gongkai.applications.tests.helpers import d, make_application
from gongkai.catalog.models import Agency, Genre
from gongkai.documents.models import Disclosure, Document, Status, Validity
from gongkai.reports import forms_labels as L
from gongkai.reports.build import build, from_json, to_json
from gongkai.reports.checks import check
from gongkai.reports.models import AnnualReport
from gongkai.reports.publish import PublishError, submit
from gongkai.reports.render import grids, to_docx, to_page
from gongkai.test import BaseTestCase, aware

R = "三、本年度办理结果"
ZERO = dict.fromkeys(COLUMNS, 0)


def row(**by_column):
    counts = dict(ZERO, **by_column)
    counts["总计"] = sum(v for k, v in counts.items() if k != "总计")
    return counts


class ReportWorld(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        a = cls.cuizhu
        rules, normative = (Genre.objects.create(name=L.RULES),
                            Genre.objects.create(name=L.NORMATIVE))

        def doc(title, genre, written=None, published=None, **extra):
            values = dict(title=title, agency=a, genre=genre, written_on=written,
                          published_at=aware(*published) if published else None,
                          status=Status.PUBLISHED, validity=Validity.IN_FORCE)
            values.update(extra)
            return Document.objects.create(**values)

        # 规章. In force at the end of 2024: R1 (2023), R3 (2020, repealed in 2025) = 2.
        doc("R1", rules, dt.date(2023, 3, 1), (2023, 3, 2))
        doc("R2", rules, dt.date(2025, 2, 10), (2025, 2, 12))  # issued 2025
        doc("R3", rules, dt.date(2020, 5, 1), (2020, 5, 2), validity=Validity.REPEALED,
            repealed_on=dt.date(2025, 6, 30))  # repealed 2025
        # 行政规范性文件. In force at the end of 2024: N2 (2024-11), N5 (2022, amended) = 2.
        n1 = doc("N1", normative, None, (2025, 4, 1), effective_on=dt.date(2025, 5, 1))
        # issued 2025 by its 发布日期 (no 成文日期)
        doc("N2", normative, dt.date(2024, 11, 1), (2024, 11, 2), validity=Validity.REPEALED,
            superseded_by=n1)  # repealed 2025-05-01: N1's 施行日期 (no 废止日期 entered)
        doc("N3", normative, dt.date(2025, 12, 20), status=Status.DRAFT)  # not public
        doc("N4", normative, dt.date(2025, 7, 1), (2025, 7, 2),
            disclosure=Disclosure.ON_REQUEST)  # not 主动公开
        doc("N5", normative, dt.date(2022, 1, 1), (2022, 1, 2), validity=Validity.AMENDED)
        doc("N6", normative, dt.date(2025, 3, 1), (2025, 3, 2), agency=cls.gwyb)  # elsewhere

        # Applications. Carried in from 2024: P1 (person, replied 2025 予以公开),
        # L1 (law firm, still open) → 二: 自然人 1, 法律服务机构 1.
        make_application(a, received_on=d("2024-12-20"), replied_on=d("2025-01-10"),
                         outcome="disclosed", stage=Stage.REPLIED)
        make_application(a, received_on=d("2024-12-30"),
                         applicant_type=ApplicantType.LEGAL_SERVICE)
        # New in 2025 (一): persons P2 P3 P4 P5, companies C1 C2, research S1 = 自然人 4, 商业企业 2, 科研机构 1.
        make_application(a, received_on=d("2025-02-03"), replied_on=d("2025-02-20"),
                         outcome="partial", stage=Stage.REPLIED)  # P2 部分公开
        make_application(a, received_on=d("2025-03-03"), replied_on=d("2025-03-20"),
                         outcome="withheld_third_party", stage=Stage.REPLIED)  # P3 不予公开 4
        make_application(a, received_on=d("2025-05-06"), replied_on=d("2025-06-01"),
                         outcome="other_fee_unpaid", stage=Stage.ARCHIVED)  # P4 其他处理 2
        make_application(a, received_on=d("2025-12-22"))  # P5 open → 四
        make_application(a, received_on=d("2025-04-01"), replied_on=d("2025-04-15"),
                         outcome="unavailable_not_held", stage=Stage.REPLIED,
                         applicant_type=ApplicantType.COMMERCIAL, fee_amount=300,
                         fee_paid_on=d("2025-04-10"))  # C1 无法提供 1, paid 300 元
        make_application(a, received_on=d("2025-09-01"), replied_on=d("2026-01-06"),
                         outcome="disclosed", stage=Stage.REPLIED,
                         applicant_type=ApplicantType.COMMERCIAL, fee_amount=80,
                         fee_paid_on=d("2025-12-30"))  # C2 replied 2026 → 四; paid 80 元
        make_application(a, received_on=d("2025-06-01"), replied_on=d("2025-06-10"),
                         outcome="rejected_repeat", stage=Stage.REPLIED,
                         applicant_type=ApplicantType.RESEARCH)  # S1 不予处理 2
        make_application(cls.gwyb, received_on=d("2025-03-03"))  # another agency's
        make_application(a)  # never received: not counted

        cls.saved = AnnualReport.objects.create(
            agency=a, year=2025, licensing=12, penalties=3, coercion=1,
            charges=Decimal("1.2345"), t4_0_0=1, t4_0_1=1, t4_0_4=2, t4_1_3=1, t4_1_4=1,
            overview="本年度，街道持续推进政务公开。", problems="栏目更新不够及时。",
            other_matters="无其他需要报告的事项。")


class HandWorkedReportTests(ReportWorld):
    def test_every_cell_matches_the_hand_worked_report(self):
        report = build(self.cuizhu, 2025)
        self.assertEqual(report.table2, {
            L.ITEM1: {L.RULES: {L.ISSUED: 1, L.REPEALED: 1, L.IN_FORCE: 2},
                      L.NORMATIVE: {L.ISSUED: 1, L.REPEALED: 1, L.IN_FORCE: 2}},
            L.ITEM5: {L.LICENSING: {L.DECISIONS: 12}},
            L.ITEM6: {L.PENALTY: {L.DECISIONS: 3}, L.COERCION: {L.DECISIONS: 1}},
            L.ITEM8: {L.CHARGES: {L.AMOUNT: Decimal("1.2345")}},
        })
        self.assertEqual(report.previous_in_force, {L.RULES: 2, L.NORMATIVE: 2})
        want = {r: dict(ZERO) for r in ROWS}
        want[("一、本年新收政府信息公开申请数量",)] = row(自然人=4, 商业企业=2, 科研机构=1)
        want[("二、上年结转政府信息公开申请数量",)] = row(自然人=1, 法律服务机构=1)
        want[(R, "（一）予以公开")] = row(自然人=1)
        want[(R, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）")] = row(自然人=1)
        want[(R, "（三）不予公开", "4.保护第三方合法权益")] = row(自然人=1)
        want[(R, "（四）无法提供", "1.本机关不掌握相关政府信息")] = row(商业企业=1)
        want[(R, "（五）不予处理", "2.重复申请")] = row(科研机构=1)
        want[(R, "（六）其他处理",
              "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请")] = row(自然人=1)
        want[(R, "（七）总计")] = row(自然人=4, 商业企业=1, 科研机构=1)
        # 四: P5 (person), C2 (company, replied 2026), L1 (law firm, open since 2024).
        want[("四、结转下年度继续办理",)] = row(自然人=1, 商业企业=1, 法律服务机构=1)
        self.assertEqual(report.table3, want)
        t4 = {g: dict.fromkeys(L.TABLE4_OUTCOMES, 0) for g in L.TABLE4_GROUPS}
        t4[(L.RECONSIDERATION,)].update({L.UPHELD: 1, L.CORRECTED: 1, L.TOTAL: 2})
        t4[(L.LITIGATION, L.DIRECT)].update({L.PENDING: 1, L.TOTAL: 1})
        self.assertEqual(report.table4, t4)
        self.assertEqual(report.fee_yuan, 380)  # 300 + 80, both paid in 2025
        self.assertEqual(report.published_documents, 2)  # R2, N1
        self.assertEqual(check(report), [])
        self.assertIn("主动公开政府信息2条", report.figures_sentence)
        self.assertIn("新收政府信息公开申请7件，上年结转2件，办结6件，结转下年度继续办理3件",
                      report.figures_sentence)

    def test_json_names_cells_in_the_forms_words_and_loads_back(self):
        report = build(self.cuizhu, 2025)
        data = to_json(report)
        self.assertEqual(data[L.TABLE3][R]["（三）不予公开"]["4.保护第三方合法权益"]["自然人"], 1)
        self.assertEqual(data[L.TABLE2][L.ITEM1][L.RULES][L.IN_FORCE], 2)
        self.assertEqual(data[L.TABLE4][L.LITIGATION][L.DIRECT][L.PENDING], 1)
        self.assertEqual(data[L.SECTION6][L.FEE_YUAN], 380)
        back = from_json(json.loads(json.dumps(data, ensure_ascii=False)))
        self.assertEqual((back.table2, back.table3, back.table4),
                         (report.table2, report.table3, report.table4))

    def test_print_page_and_docx_hold_the_same_numbers(self):
        report = build(self.cuizhu, 2025)
        page = to_page(report)
        docx = Docx(io.BytesIO(to_docx(report)))
        self.assertEqual(len(docx.tables), 3)
        for grid, table in zip(grids(report), docx.tables, strict=True):
            docx_rows = [[c.text for c in r.cells] for r in table.rows[1:]]
            html_rows = re.findall(
                r"<tr><th scope=\"row\"[^>]*>(.*?)</th>(.*?)</tr>",
                page.split(f"<h2>{grid.caption}</h2>")[1].split("</table>")[0])
            self.assertEqual(len(docx_rows), len(html_rows))
            for cells, (label, tds) in zip(docx_rows, html_rows, strict=True):
                self.assertEqual(cells[0].strip("　"), label.replace("&quot;", '"'))
                numbers = re.findall(r"<td>(.*?)</td>", tds)
                self.assertEqual([c for c in cells[1:] if c], [n for n in numbers if n])
        # and the figures are the hand-worked ones
        t3 = docx.tables[1]
        new = next(r for r in t3.rows if r.cells[0].text.startswith("一、"))
        self.assertEqual([c.text for c in new.cells[1:]], ["4", "2", "1", "0", "0", "0", "7"])
        self.assertIn("1.2345", page)
        self.assertIn("收取信息处理费380元", page)


class CheckTests(ReportWorld):
    def test_balance_per_column(self):
        report = build(self.cuizhu, 2025)
        report.table3[("四、结转下年度继续办理",)]["商业企业"] = 0
        report.table3[("四、结转下年度继续办理",)]["总计"] = 2
        messages = [str(f) for f in check(report)]
        self.assertIn("三、收到和处理政府信息公开申请情况：“商业企业”列：本年新收2 + 上年结转0 = 2，"
                      "不等于办理结果总计1 + 结转下年度0 = 1", messages)
        self.assertIn("三、收到和处理政府信息公开申请情况：“总计”列：本年新收7 + 上年结转2 = 9，"
                      "不等于办理结果总计6 + 结转下年度2 = 8", messages)

    def test_in_force_follows_last_year(self):
        report = build(self.cuizhu, 2025)
        report.previous_in_force[L.NORMATIVE] = 5
        self.assertEqual([str(f) for f in check(report)], [
            "二、主动公开政府信息情况：“行政规范性文件”的“现行有效件数”为2，"
            "应等于上年现行有效5 + 本年制发1 − 本年废止1 = 5"])

    def test_totals_equal_their_parts(self):
        report = build(self.cuizhu, 2025)
        report.table3[(R, "（一）予以公开")]["总计"] = 3
        report.table4[(L.RECONSIDERATION,)][L.TOTAL] = 5
        messages = [str(f) for f in check(report)]
        self.assertIn("三、收到和处理政府信息公开申请情况：“（一）予以公开”行的“总计”为3，各类申请人之和为1",
                      messages)
        self.assertIn("三、收到和处理政府信息公开申请情况：“（七）总计”行“总计”列为6，各项办理结果之和为8",
                      messages)
        self.assertIn("四、行政复议、行政诉讼情况：“行政复议”的“总计”为5，"
                      "结果维持、结果纠正、其他结果、尚未审结之和为2", messages)

    def test_a_failing_report_cannot_be_submitted(self):
        self.saved.t4_0_4 = 9
        self.saved.save()
        with self.assertRaisesMessage(PublishError, "“行政复议”的“总计”为9"):
            submit(self.saved)
        self.assertEqual(Document.objects.filter(genre__name="年度报告").count(), 0)


class PublishTests(ReportWorld):
    def test_submit_creates_a_document_in_review(self):
        doc = submit(self.saved)
        doc.refresh_from_db()
        self.assertEqual(doc.status, Status.IN_REVIEW)
        self.assertEqual(doc.genre.name, "年度报告")
        self.assertEqual(doc.title, "深圳市罗湖区翠竹街道办事处2025年政府信息公开工作年度报告")
        self.assertIn("<table", doc.body)
        self.assertFalse(AnnualReport.objects.public().exists())  # not yet reviewed
        self.saved.refresh_from_db()
        self.assertEqual(self.saved.document, doc)


class GovernmentTests(ReportWorld):
    def test_sum_of_agencies_and_the_missing_ones(self):
        district = Agency.objects.create(name="罗湖区人民政府")
        Agency.objects.filter(pk=self.cuizhu.pk).update(parent=district)
        Agency.objects.create(name="罗湖区教育局", parent=district)
        AnnualReport.objects.create(agency=district, year=2025, licensing=5, t4_2_1=1, t4_2_4=1)
        report = build(district, 2025, government=True)
        self.assertEqual(report.missing, ["罗湖区教育局"])
        self.assertEqual(report.cell2(L.LICENSING, L.DECISIONS), 17)
        self.assertEqual(report.table3[("一、本年新收政府信息公开申请数量",)]["总计"], 7)
        self.assertEqual(report.table4[(L.LITIGATION, L.AFTER)][L.TOTAL], 1)
        self.assertEqual(report.fee_yuan, 380)
        self.assertIn("2025年，本级政府及所属机构收取信息处理费380元", report.fee_sentence)
        self.assertEqual(check(report), [])


class CommandTests(ReportWorld):
    def test_json_html_docx_and_load(self):
        out = io.StringIO()
        call_command("report", agency="11440303007546460H", year=2025, format="json", stdout=out)
        data = json.loads(out.getvalue())
        self.assertEqual(data[L.TABLE3]["一、本年新收政府信息公开申请数量"]["总计"], 7)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "r.docx"
            call_command("report", agency="11440303007546460H", year=2025, format="docx",
                         output=str(path))
            self.assertEqual(len(Docx(str(path)).tables), 3)
            # a past year, loaded from its published text
            data["年度"] = 2023
            src = Path(tmp) / "2023.json"
            src.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            call_command("report", load=str(src), stdout=io.StringIO())
            loaded = AnnualReport.objects.get(agency=self.cuizhu, year=2023)
            self.assertEqual(build(self.cuizhu, 2023).table3, build(self.cuizhu, 2025).table3)
            self.assertIn(loaded, AnnualReport.objects.public())
            data[L.TABLE3]["一、本年新收政府信息公开申请数量"]["自然人"] = -1
            src.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            with self.assertRaisesMessage(CommandError, "“一、本年新收政府信息公开申请数量”的“自然人”应为非负整数"):
                call_command("report", load=str(src))
        with self.assertRaisesMessage(CommandError, "没有机构代码"):
            call_command("report", agency="000000000", year=2025)
        with self.assertRaisesMessage(CommandError, "年度应在 2008 至 2100 之间，现为 0"):
            call_command("report", agency="11440303007546460H", year=0)
        with self.assertRaisesMessage(CommandError, "不是有效的年度报告 JSON"):
            with tempfile.NamedTemporaryFile("w", suffix=".json") as f:
                f.write("[1, 2]")
                f.flush()
                call_command("report", load=f.name)
