"""Each agency's 政府信息公开指南: the public page, the staff admin, the missing list."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from gongkai.accounts.models import AuditEntry
from gongkai.accounts.tests.cast import StaffTestCase
from gongkai.guides.models import Guide

ADD = "/admin/guides/guide/add/"


def guide_fields(**overrides):
    fields = {"office": "翠竹街道党政综合办公室", "address": "罗湖区翠竹路1号",
              "office_hours": "工作日 9:00—18:00", "phone": "0755-1234 5678",
              "postal_address": "罗湖区翠竹路1号 党政综合办", "postcode": "518000",
              "online_channel": "", "email": "gk@example.gov.cn", "fax": "",
              "catalogue": "按主题分类编排。", "how_to_apply": "书面申请。\n\n20个工作日内答复。",
              "fees": "一般不收费。", "remedies": "可以申请行政复议。"}
    return fields | overrides


class GuidePageTestCase(StaffTestCase):
    def test_an_agency_without_a_guide_has_no_page_and_no_link(self):
        assert self.client.get(f"/agencies/{self.cuizhu.pk}/guide/").status_code == 404
        assert self.client.get("/agencies/999999/guide/").status_code == 404
        assert "公开指南" not in self.client.get(self.cuizhu.get_absolute_url()).content.decode()

    def test_the_guide_is_shown_in_paragraphs_and_linked_from_the_catalogue(self):
        # The agency page is cached first: writing the guide must not leave it stale.
        self.client.get(self.cuizhu.get_absolute_url())
        guide = Guide.objects.create(agency=self.cuizhu, **guide_fields(
            how_to_apply="书面申请。\n\n<b>20</b>个工作日内答复。"))
        html = self.client.get(self.cuizhu.get_absolute_url()).content.decode()
        assert f'href="/agencies/{self.cuizhu.pk}/guide/">政府信息公开指南</a>' in html
        html = self.client.get(guide.get_absolute_url()).content.decode()
        assert "深圳市罗湖区翠竹街道办事处政府信息公开指南" in html
        assert "<p>书面申请。</p>" in html and "&lt;b&gt;20&lt;/b&gt;个工作日内答复" in html
        assert "罗湖区翠竹路1号 党政综合办（邮政编码：518000）" in html
        assert 'href="mailto:gk@example.gov.cn"' in html and "传真" not in html
        guide.phone = "0755-8765 4321"
        guide.save()
        assert "0755-8765 4321" in self.client.get(guide.get_absolute_url()).content.decode()
        guide.delete()
        assert self.client.get(f"/agencies/{self.cuizhu.pk}/guide/").status_code == 404


class GuideAdminTestCase(StaffTestCase):
    def test_a_manager_writes_the_guide_of_their_own_agency_only(self):
        self.client.force_login(self.manager_a)
        form = self.client.get(ADD).content.decode()
        assert self.cuizhu.name in form and self.gwyb.name not in form
        r = self.client.post(ADD, {"agency": self.gwyb.pk, **guide_fields()})
        assert r.status_code == 200 and not Guide.objects.exists()
        r = self.client.post(ADD, {"agency": self.cuizhu.pk, **guide_fields(postcode="51800")})
        assert "邮政编码应为6位数字" in r.content.decode() and not Guide.objects.exists()
        r = self.client.post(ADD, {"agency": self.cuizhu.pk, **guide_fields()})
        assert r.status_code == 302
        guide = Guide.objects.get(agency=self.cuizhu)
        r = self.client.post(f"/admin/guides/guide/{guide.pk}/change/",
                             guide_fields(phone="0755-0000 1111"))
        assert r.status_code == 302
        guide.refresh_from_db()
        assert guide.phone == "0755-0000 1111"
        entries = list(AuditEntry.objects.filter(object_type="guide").order_by("pk"))
        assert [(e.action, e.agency_id, e.username) for e in entries] == [
            ("create", self.cuizhu.pk, "manager_a"), ("edit", self.cuizhu.pk, "manager_a")]
        assert entries[1].detail == "修改：联系电话"
        # Managers keep it; only the site administrator may take it off the site.
        url = f"/admin/guides/guide/{guide.pk}/delete/"
        assert self.client.post(url, {"post": "yes"}).status_code == 403
        self.client.force_login(self.admin)
        assert self.client.post(url, {"post": "yes"}).status_code == 302
        assert not Guide.objects.exists()
        assert AuditEntry.objects.filter(object_type="guide", action="delete").count() == 1

    def test_other_staff_can_neither_see_nor_change_a_guide(self):
        guide = Guide.objects.create(agency=self.cuizhu, **guide_fields())
        change = f"/admin/guides/guide/{guide.pk}/change/"
        for user in (self.editor_a, self.reviewer_a, self.manager_b, self.editor_b):
            self.client.force_login(user)
            assert self.client.get(change).status_code in (302, 403), user
            r = self.client.post(change, guide_fields(phone="被改了"))
            assert r.status_code in (302, 403), user
            listing = self.client.get("/admin/guides/guide/")
            assert guide.office not in listing.content.decode()
        guide.refresh_from_db()
        assert guide.phone == "0755-1234 5678"

    def test_agencies_without_a_guide_are_listed_for_the_site_administrator(self):
        Guide.objects.create(agency=self.cuizhu, **guide_fields())
        self.client.force_login(self.admin)
        html = self.client.get("/admin/catalog/agency/?guide=missing").content.decode()
        assert self.gwyb.name in html and self.xinqu.name in html
        assert self.cuizhu.name not in html.split('id="result_list"')[1]
        assert f"/admin/guides/guide/add/?agency={self.gwyb.pk}" in html
        out = StringIO()
        with pytest.raises(CommandError) as caught:
            call_command("guides", "missing", stdout=out)
        assert caught.value.returncode == 1
        assert out.getvalue() == (f"{self.gwyb.pk}\t000014349\t国务院办公厅\n"
                                  f"{self.xinqu.pk}\t-\t新区管委会\n")
        Guide.objects.create(agency=self.gwyb, **guide_fields())
        Guide.objects.create(agency=self.xinqu, **guide_fields())
        out = StringIO()
        call_command("guides", "missing", stdout=out)
        assert out.getvalue() == "每个机构都有政府信息公开指南。\n"


def test_the_demo_guides_are_valid():
    """``make run`` shows them: every field as the admin would accept it."""
    import json

    from gongkai.catalog.models import Agency
    from gongkai.importers.management.commands.load_demo import DEMO_DATA

    entries = json.loads((DEMO_DATA / "guides.json").read_text("utf-8"))
    assert len(entries) == 2
    for fields in entries:
        Guide(agency=Agency(name=fields.pop("agency")), **fields).full_clean(
            exclude=["agency"], validate_unique=False)
