"""The document form: the body editor, pasting from Word, 主题词 as tags, and the
suggestions and 数据核验 findings beside the fields."""

from pathlib import Path

from django.contrib.auth.models import User
from django.test import SimpleTestCase

from gongkai.documents.models import Document
from gongkai.lib.html import sanitize_html
from gongkai.staff.forms import DocumentForm, plain_text_to_html
from gongkai.staff.paste import clean_office_html
from gongkai.staff.widgets import BodyEditorWidget, TermsField, split_terms
from gongkai.test import BaseTestCase

WORD_CLIPBOARD = (Path(__file__).parent / "data" / "word-clipboard.html").read_text()


class PasteFromWordTestCase(SimpleTestCase):
    def setUp(self):
        self.body = sanitize_html(clean_office_html(WORD_CLIPBOARD))

    def test_headings_survive(self):
        assert "<h1>一、工作目标</h1>" in self.body
        assert "<h2>（一）资金安排</h2>" in self.body

    def test_list_paragraphs_become_a_nested_list(self):
        assert ("<ol><li><p>建成社区养老服务站5个；</p></li><li><p>改造老旧小区3个。</p>"
                "<ul><li><p>含加装电梯</p></li></ul></li></ol>") in self.body

    def test_the_table_survives_with_its_cells(self):
        assert self.body.count("<table") == 1 and self.body.count("<tr>") == 2
        for cell in ("项目", "金额（万元）", "养老服务站", "120"):
            assert f"<p>{cell}</p>" in self.body

    def test_the_rest_of_words_markup_goes(self):
        for gone in ("mso-", "<o:p", "Mso", "<span", "font-family", "color:red", "StartFragment",
                     "<style", "supportLists", "Times New Roman", "lang="):
            assert gone not in self.body, gone
        # The list numbers Word draws itself are not kept as text.
        assert ">1." not in self.body and ">2." not in self.body and "\u00a0" not in self.body

    def test_alignment_and_indent_are_kept(self):
        assert '<p style="text-indent:32.0pt">到2024年底，完成以下任务：</p>' in self.body

    def test_html_that_is_not_from_office_is_left_to_the_sanitiser(self):
        html = '<p class="x"><span style="color:red">红</span></p>'
        assert clean_office_html(html) == html


class TermsFieldTestCase(SimpleTestCase):
    def test_terms_are_split_on_spaces_commas_dunhao_and_semicolons(self):
        assert split_terms("民生微实事 政务公开,养老，社区、街道;预算；决算") == [
            "民生微实事", "政务公开", "养老", "社区", "街道", "预算", "决算"]

    def test_repeats_and_empty_pieces_go(self):
        assert split_terms("  养老、、养老 ;; 社区 ") == ["养老", "社区"]
        assert split_terms("") == [] and split_terms(None) == []

    def test_the_field_cleans_to_a_list(self):
        assert TermsField(required=False).clean("养老、社区") == ["养老", "社区"]

    def test_a_saved_list_is_shown_as_one_line_and_as_tags(self):
        html = TermsField().widget.render("subject_terms", ["翠竹街道", "工作总结"],
                                          {"id": "id_subject_terms"})
        assert 'value="翠竹街道 工作总结"' in html
        assert '<li class="gk-tag">翠竹街道</li><li class="gk-tag">工作总结</li>' in html
        assert 'type="text"' in html

    def test_an_over_long_term_is_refused(self):
        from django.core.exceptions import ValidationError

        with self.assertRaises(ValidationError):
            TermsField().clean("长" * 51)


class EditorWidgetTestCase(SimpleTestCase):
    def test_it_is_a_textarea_the_editor_script_takes_over(self):
        html = BodyEditorWidget().render("body", "<p>正文</p>", {"id": "id_body"})
        assert html.startswith("<textarea") and "data-gk-body-editor" in html
        assert "&lt;p&gt;正文&lt;/p&gt;" in html

    def test_its_assets_are_our_own_files_without_an_import_map(self):
        media = str(BodyEditorWidget().media)
        assert '<script src="/static/gongkai/admin/body-editor.js" type="module">' in media
        assert "/static/django_prose_editor/editor.css" in media
        assert "importmap" not in media and "<style" not in media

    def test_text_typed_without_markup_becomes_paragraphs(self):
        assert plain_text_to_html("第一段\n\n第二段 <b>\n") == "<p>第一段</p><p>第二段 &lt;b&gt;</p>"


class DocumentFormTestCase(BaseTestCase):
    def data(self, **changes):
        return {"title": "关于养老服务的通知", "agency": self.cuizhu.pk, "disclosure": "active",
                "status": "draft", "body": "<p>正文</p>", "subject_terms": "养老 社区",
                **changes}

    def test_it_saves_terms_as_a_list_and_a_pasted_word_body_with_its_structure(self):
        form = DocumentForm(self.data(body=WORD_CLIPBOARD, subject_terms="养老、社区；养老"))
        assert form.is_valid(), form.errors
        document = form.save()
        document.refresh_from_db()
        assert document.subject_terms == ["养老", "社区"]
        assert "<h1>一、工作目标</h1>" in document.body and "<ol><li>" in document.body
        assert "<table" in document.body and "mso-" not in document.body

    def test_a_plain_text_body_is_kept_as_paragraphs(self):
        form = DocumentForm(self.data(body="第一段\r\n第二段"))
        assert form.is_valid(), form.errors
        assert form.save().body == "<p>第一段</p><p>第二段</p>"

    def test_the_initial_terms_show_as_one_line(self):
        form = DocumentForm(instance=self.summary)
        assert 'value="翠竹街道 工作总结"' in str(form["subject_terms"])


class ChangeFormTestCase(BaseTestCase):
    def setUp(self):
        self.staff = User.objects.create_superuser("zhangsan", "zs@example.gov.cn", "pw")
        self.client.force_login(self.staff)

    def test_the_change_form_has_the_editor_and_the_terms_input(self):
        html = self.client.get(f"/admin/documents/document/{self.summary.pk}/change/").content.decode()
        assert "data-gk-body-editor" in html and "gongkai/admin/body-editor.js" in html
        assert 'name="subject_terms" value="翠竹街道 工作总结"' in html
        assert "importmap" not in html

    def test_saving_through_the_admin_keeps_a_table(self):
        url = f"/admin/documents/document/{self.draft.pk}/change/"
        r = self.client.post(url, {
            "title": self.draft.title, "agency": self.cuizhu.pk, "disclosure": "active",
            "status": "draft", "subject_terms": "计划，草稿",
            "body": "<h2>一、目标</h2><table><tbody><tr><td><p>甲</p></td><td><p>乙</p></td>"
                    "</tr></tbody></table><ul><li><p>一项</p></li></ul>",
            "attachments-TOTAL_FORMS": "0", "attachments-INITIAL_FORMS": "0",
        })
        assert r.status_code == 302, r.content.decode()[:3000]
        document = Document.objects.get(pk=self.draft.pk)
        assert document.subject_terms == ["计划", "草稿"]
        assert "<table><tbody><tr><td><p>甲</p></td>" in document.body
        assert "<h2>一、目标</h2>" in document.body and "<ul><li><p>一项</p></li></ul>" in document.body

    def test_suggestions_are_listed_beside_their_fields_with_hidden_buttons(self):
        give_the_draft_suggestions(self)
        html = self.client.get(f"/admin/documents/document/{self.draft.pk}/change/").content.decode()
        terms = html.split('class="gk-suggestions gk-suggested-terms">')[1].split("</ul>")[0]
        assert "<li>民生微实事 <button" in terms and 'data-gk-add-term="民生微实事"' in terms
        assert " hidden>添加</button>" in terms  # shown by the script; text without it
        abstract = html.split('class="gk-suggested-abstract">')[1].split("</p>")[0]
        assert 0 < len(abstract) <= 100
        assert f'data-gk-topic="{self.topic.pk}"' in html
        # In the order of the form: each suggestion right after its field, 数据核验 after the body.
        order = [html.index(marker) for marker in (
            'name="topic"', "gk-suggested-topics", 'name="subject_terms"', "gk-suggested-terms",
            'name="abstract"', "gk-suggested-abstract", 'name="body"', "数据核验")]
        assert order == sorted(order)


def give_the_draft_suggestions(case) -> None:
    """A catalogue the suggester learns from (the notice, filed under 综合政务\\政务公开) and a
    draft about the same thing, so that the draft's form has suggestions to show."""
    from gongkai.suggestions.suggester import forget_catalogue_suggester

    case.notice.body = "<p>关于做好社区民生微实事项目政务公开工作的通知，公开项目资金和进度。</p>"
    case.notice.save()
    forget_catalogue_suggester()
    case.addCleanup(forget_catalogue_suggester)
    case.draft.body = ("<p>为推进民生微实事工作，翠竹街道组织社区开展民生微实事项目。</p>"
                       "<p>民生微实事项目涉及养老服务、社区环境和便民设施。</p>")
    case.draft.save()
