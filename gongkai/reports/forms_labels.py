"""The labels of Tables 2 and 4 of the annual report, as the form prints them
(国办公开办函〔2021〕30号; domain.md §6). Table 3's live in gongkai.applications.outcomes/stats."""

TABLE2 = "二、主动公开政府信息情况"
TABLE3 = "三、收到和处理政府信息公开申请情况"
TABLE4 = "四、行政复议、行政诉讼情况"
SECTION1 = "一、总体情况"
SECTION5 = "五、存在的主要问题及改进情况"
SECTION6 = "六、其他需要报告的事项"
FEE_YUAN = "信息处理费（元）"

ITEM1 = "第二十条第（一）项"
ITEM5 = "第二十条第（五）项"
ITEM6 = "第二十条第（六）项"
ITEM8 = "第二十条第（八）项"
ISSUED, REPEALED, IN_FORCE = "本年制发件数", "本年废止件数", "现行有效件数"
DECISIONS = "本年处理决定数量"
AMOUNT = "本年收费金额（万元）"
RULES, NORMATIVE = "规章", "行政规范性文件"
LICENSING, PENALTY, COERCION, CHARGES = "行政许可", "行政处罚", "行政强制", "行政事业性收费"
CATALOGUE_GENRES = (RULES, NORMATIVE)

RECONSIDERATION = "行政复议"
LITIGATION = "行政诉讼"
DIRECT = "未经复议直接起诉"
AFTER = "复议后起诉"
UPHELD, CORRECTED, OTHER, PENDING, TOTAL = "结果维持", "结果纠正", "其他结果", "尚未审结", "总计"
TABLE4_OUTCOMES = (UPHELD, CORRECTED, OTHER, PENDING, TOTAL)
# Table 4's three groups, each a path of labels (行政诉讼 has two sub-groups).
TABLE4_GROUPS = ((RECONSIDERATION,), (LITIGATION, DIRECT), (LITIGATION, AFTER))
