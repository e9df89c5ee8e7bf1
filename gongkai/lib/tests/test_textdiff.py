from gongkai.lib.textdiff import compare_values, html_lines, side_by_side


def test_it_reads_html_as_lines_of_text_with_table_rows_whole():
    html = ("<h2>一、目标</h2><p>第一段&amp;续</p><ul><li>甲</li><li>乙</li></ul>"
            "<table><tr><td><p>项目</p></td><td><p>金额</p></td></tr>"
            "<tr><td>养老</td><td>120</td></tr></table><p>a<br>b</p>")
    assert html_lines(html) == ["一、目标", "第一段&续", "甲", "乙", "项目 | 金额", "养老 | 120",
                                "a", "b"]


def test_it_marks_changed_characters_and_pairs_added_lines():
    rows = side_by_side(["不变", "原来的<文字>"], ["不变", "现在的<文字>", "新增"])
    assert [r.changed for r in rows] == [False, True, True]
    assert rows[1].left == "<del>原来</del>的&lt;文字&gt;" and rows[1].right == "<ins>现在</ins>的&lt;文字&gt;"
    assert rows[2].left == "" and rows[2].right == "<ins>新增</ins>"


def test_equal_values_are_unmarked():
    assert compare_values("同", "同").changed is False
