"""No false alarms on real public texts: the 1,861 laws of laws_lawrefbook and the 40
www.gov.cn policy pages hold no one's personal data (bench/pii_false_alarms.py lists them)."""

from gongkai.lib.pii import find_pii, html_text
from gongkai.test import shared_path


def test_the_laws_hold_no_personal_data():
    laws = shared_path("corpus", "laws_lawrefbook")
    files = [p for p in laws.rglob("*.md") if p.name != "README.md"]
    assert len(files) == 1861
    found = [(p.name, f.label, f.masked_context) for p in files
             for f in find_pii(p.read_text(encoding="utf-8"))]
    assert found == []


def test_the_govcn_pages_hold_no_personal_data():
    pages = sorted(shared_path("corpus", "govcn_zhengce_html").glob("*.html"))
    assert len(pages) == 40
    found = [(p.name, f.label, f.masked_context) for p in pages
             for f in find_pii(html_text(p.read_text(encoding="utf-8")))]
    assert found == []
