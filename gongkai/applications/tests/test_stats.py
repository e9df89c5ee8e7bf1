from gongkai.applications import stats
from gongkai.applications.models import ApplicantType, Stage
from gongkai.test import BaseTestCase

from .helpers import d, make_application

NEW = ("一、本年新收政府信息公开申请数量",)
CARRIED_IN = ("二、上年结转政府信息公开申请数量",)
CARRIED_OUT = ("四、结转下年度继续办理",)
TOTAL = ("三、本年度办理结果", "（七）总计")


class Table3Tests(BaseTestCase):
    def test_counts_by_row_and_column_and_they_add_up(self):
        a = self.cuizhu
        # carried in from 2024, replied 2025: 予以公开, a person
        make_application(a, received_on=d("2024-12-20"), replied_on=d("2025-01-10"),
                         outcome="disclosed", stage=Stage.REPLIED)
        # carried in and still open at the end of 2025: a law firm
        make_application(a, received_on=d("2024-12-30"),
                         applicant_type=ApplicantType.LEGAL_SERVICE)
        # new in 2025, 不予公开 (国家秘密), a company
        make_application(a, received_on=d("2025-03-03"), replied_on=d("2025-03-20"),
                         outcome="withheld_secret", stage=Stage.REPLIED,
                         applicant_type=ApplicantType.COMMERCIAL)
        # new in 2025, closed for no 补正
        make_application(a, received_on=d("2025-05-06"), replied_on=d("2025-06-01"),
                         outcome="other_no_supplement", stage=Stage.ARCHIVED)
        # new in 2025, replied in 2026: carried out
        make_application(a, received_on=d("2025-12-22"), replied_on=d("2026-01-05"),
                         outcome="partial", stage=Stage.REPLIED)
        # another agency's, and one never confirmed: not counted
        make_application(self.gwyb, received_on=d("2025-03-03"))
        make_application(a)
        table = stats.table3(a, 2025)
        self.assertEqual(table[NEW], {"自然人": 2, "商业企业": 1, "科研机构": 0, "社会公益组织": 0,
                                      "法律服务机构": 0, "其他": 0, "总计": 3})
        self.assertEqual(table[CARRIED_IN]["总计"], 2)
        self.assertEqual(table[("三、本年度办理结果", "（一）予以公开")]["自然人"], 1)
        self.assertEqual(table[("三、本年度办理结果", "（三）不予公开", "1.属于国家秘密")]["商业企业"], 1)
        self.assertEqual(table[("三、本年度办理结果", "（六）其他处理",
                                "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请")]["总计"], 1)
        self.assertEqual(table[TOTAL]["总计"], 3)
        self.assertEqual(table[CARRIED_OUT], {"自然人": 1, "商业企业": 0, "科研机构": 0,
                                              "社会公益组织": 0, "法律服务机构": 1, "其他": 0,
                                              "总计": 2})
        for column in stats.COLUMNS:  # 勾稽: 一 + 二 = 三（七） + 四
            self.assertEqual(table[NEW][column] + table[CARRIED_IN][column],
                             table[TOTAL][column] + table[CARRIED_OUT][column])
        self.assertEqual(list(table), stats.ROWS)
        self.assertEqual(len(stats.ROWS), 2 + 1 + 1 + 8 + 3 + 5 + 3 + 1 + 1)
        self.assertEqual(stats.table3([a.pk, self.gwyb.pk], 2025)[NEW]["总计"], 4)
