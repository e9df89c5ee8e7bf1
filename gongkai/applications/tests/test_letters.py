import io

import docx
import pytest

from gongkai.applications import letters
from gongkai.applications.letter_texts import defaults
from gongkai.applications.models import LetterTemplate
from gongkai.applications.outcomes import Outcome
from gongkai.test import BaseTestCase

from .helpers import d, make_application


class LetterTests(BaseTestCase):
    def test_every_outcome_has_a_seeded_template_that_renders(self):
        app = make_application(self.cuizhu, received_on=d("2025-09-26"), title="改造项目立项批复",
                               supplement_requested_on=d("2025-09-30"),
                               supplement_deadline=d("2025-10-20"))
        self.assertEqual(set(LetterTemplate.objects.values_list("kind", flat=True)),
                         set(defaults()))
        for outcome in Outcome.values:
            title, text = letters.render(outcome, app, date=d("2025-10-30"))
            self.assertIn("张申请：", text)
            self.assertIn("2025年9月26日", text)
            self.assertIn(self.cuizhu.name, text)
            self.assertIn("2025年10月30日", text)
        self.assertIn("视为放弃申请", letters.render(Outcome.NO_SUPPLEMENT, app)[1])

    def test_staff_wording_is_used(self):
        app = make_application(self.cuizhu, received_on=d("2025-09-26"))
        LetterTemplate.objects.filter(kind=Outcome.DISCLOSED).update(
            body="尊敬的{{ app.name }}，予以公开。")
        self.assertEqual(letters.render(Outcome.DISCLOSED, app)[1], "尊敬的张申请，予以公开。")
        self.assertIsNotNone(letters.check_template("{% if %}"))

    def test_docx_and_pdf(self):
        body = "张申请：\n\n经审查，现予以公开。"
        document = docx.Document(io.BytesIO(letters.to_docx("告知书", body)))
        self.assertEqual(document.paragraphs[0].text, "告知书")
        self.assertIn("经审查，现予以公开。", [p.text for p in document.paragraphs])
        pdf = letters.to_pdf("告知书", body)
        self.assertTrue(pdf.startswith(b"%PDF"))


def test_pdf_without_font_fails_clearly(monkeypatch):
    monkeypatch.setattr(letters, "FONT_CANDIDATES", ("/nonexistent.ttc",))
    with pytest.raises(letters.LetterError, match="fonts-wqy-microhei"):
        letters.to_pdf("告知书", "正文")
