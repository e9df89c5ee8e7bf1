"""What the document form shows beside the fields: the 主题词, 内容概述 and 主题分类
suggestions, each with a button that takes it into the field (hidden until
static/gongkai/admin/document-form.js shows it; without JavaScript the suggestions are
text to copy).

The suggestions are learned from the published catalogue; the first call in a process
learns (seconds on a large catalogue), later ones reuse the model
(gongkai.suggestions.suggester.catalogue_suggester).
"""

from django.utils.html import format_html, format_html_join

from gongkai.catalog.models import Topic
from gongkai.lib.html import html_to_text
from gongkai.suggestions.suggester import suggest_abstract, suggest_terms, suggest_topic

NOT_SAVED = "保存后根据正文给出建议。"


def suggestions(document) -> dict:
    """Terms (those not yet chosen), abstract and up to three topics for a saved document,
    computed once per object."""
    cached = document.__dict__.get("_gk_suggestions")
    if cached is None:
        text = html_to_text(document.body)
        chosen = set(document.subject_terms or [])
        cached = {"terms": [], "abstract": "", "topics": []}
        if text:
            by_path = {t.path: t for t in Topic.objects.select_related("parent")}
            cached = {
                "terms": [t for t in suggest_terms(text, document.title) if t not in chosen],
                "abstract": suggest_abstract(text),
                "topics": [by_path[p] for p, _ in suggest_topic(text, document.title, k=3)
                           if p in by_path],
            }
        document.__dict__["_gk_suggestions"] = cached
    return cached


def terms_html(document):
    if not document or not document.pk:
        return NOT_SAVED
    terms = suggestions(document)["terms"]
    if not terms:
        return "暂无其他建议。"
    items = format_html_join(
        "", '<li>{} <button type="button" class="button gk-take" data-gk-target="id_subject_terms"'
            ' data-gk-add-term="{}" aria-label="添加主题词“{}”" hidden>添加</button></li>',
        ((t, t, t) for t in terms))
    return format_html('<ul class="gk-suggestions gk-suggested-terms">{}</ul>', items)


def abstract_html(document):
    if not document or not document.pk:
        return NOT_SAVED
    abstract = suggestions(document)["abstract"]
    if not abstract:
        return "暂无建议。"
    return format_html(
        '<p class="gk-suggested-abstract">{}</p><button type="button" class="button gk-take"'
        ' data-gk-target="id_abstract" data-gk-fill="{}" hidden>采用为内容概述</button>',
        abstract, abstract)


def topic_html(document):
    if not document or not document.pk:
        return NOT_SAVED
    topics = suggestions(document)["topics"]
    if not topics:
        return "目录中尚无已分类的信息，暂无建议。"
    items = format_html_join(
        "", '<li>{} <button type="button" class="button gk-take" data-gk-target="id_topic"'
            ' data-gk-topic="{}" data-gk-label="{}" aria-label="选用主题分类“{}”" hidden>选用</button>'
            '</li>',
        ((t.path, t.pk, t.path, t.path) for t in topics))
    return format_html('<ul class="gk-suggestions gk-suggested-topics">{}</ul>', items)
