from gongkai.lib.html import html_to_text, reader_text, sanitize_html, searchable_body
from gongkai.lib.topics import format_topic_path, normalize_topic_path, split_topic_path


def test_it_strips_scripts_handlers_and_frames():
    html = '<p onclick="x()">正文<script>alert(1)</script></p><iframe src="//e"></iframe>'
    assert sanitize_html(html) == "<p>正文</p>"


def test_it_keeps_how_text_looks_but_not_what_moves_a_box():
    overlay = ('<div style="position:fixed;top:0;left:0;z-index:9999;width:100%;height:100%;'
               'margin-top:-500px;transform:scale(3);text-align:center;color:#c00">'
               '<a href="https://phish.example/">请重新登录</a></div>')
    cleaned = sanitize_html(overlay)
    for banned in ("position", "top:", "left:", "z-index", "margin", "transform"):
        assert banned not in cleaned
    assert 'style="width:100%;height:100%;text-align:center;color:#c00"' in cleaned


def test_it_sends_no_referrer_with_images_from_other_sites():
    cleaned = sanitize_html('<img src="https://tracker.example/p.gif" alt="">')
    assert 'referrerpolicy="no-referrer"' in cleaned


def test_it_drops_javascript_links():
    assert "javascript" not in sanitize_html('<a href="javascript:alert(1)">链接</a>')


def test_it_reads_the_visible_text_one_space_between_blocks():
    assert html_to_text("<p>一、总则</p><p>第一条&nbsp;为了<b>规范</b></p>") == "一、总则 第一条 为了规范"


def test_reader_text_prefers_plain_body_text_and_keeps_paragraph_lines():
    assert reader_text("标题", "概述", "<p>正文</p>") == "标题\n概述\n正文"
    assert reader_text("标题", "", "<p>HTML</p>", "纯文本") == "标题\n纯文本"


def test_searchable_body_holds_abstract_terms_and_text():
    assert searchable_body("概述", ["民生", "街道"], "<p>正文</p>") == "概述 民生 街道 正文"


def test_topic_paths_read_every_separator_and_write_a_backslash():
    for path in ("综合政务\\政务公开", "综合政务/政务公开", " 综合政务 ／ 政务公开 ", "综合政务＼政务公开"):
        assert split_topic_path(path) == ["综合政务", "政务公开"]
        assert normalize_topic_path(path) == "综合政务\\政务公开"
    assert split_topic_path("") == [] and split_topic_path("\\\\") == []
    assert format_topic_path(["城乡建设"]) == "城乡建设"


def test_sanitising_is_deterministic_and_idempotent():
    body = '<p><img alt="a>b" src="https://example.gov.cn/a.jpg"> <img src="b.png"></p>'
    once = {sanitize_html(body) for _ in range(20)}
    assert len(once) == 1
    (cleaned,) = once
    assert sanitize_html(cleaned) == cleaned
    assert '<img alt="a&gt;b" src="https://example.gov.cn/a.jpg" referrerpolicy="no-referrer" ' \
        'loading="lazy">' in cleaned
