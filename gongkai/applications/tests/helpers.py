"""A case to work on, for the tests of this app (and the public-page suites)."""

import datetime as dt

from gongkai.applications.models import ApplicantType, Application, Channel, Stage

PERSON_ID = "11010519491231002X"  # a 居民身份证号 with a right check character
ORG_CODE = "91350100M000100Y43"  # a 统一社会信用代码 (domain.md §2.4)


def make_application(agency, *, received_on=None, stage=None, **fields) -> Application:
    values = dict(
        agency=agency, applicant_type=ApplicantType.PERSON, name="张申请",
        id_number=PERSON_ID, phone="13800000000", email="zhang@example.com",
        description="2021年翠竹街道老旧小区改造项目的立项批复", form_wanted="electronic",
        delivery_wanted="email", channel=Channel.IN_PERSON, received_on=received_on,
        stage=stage or (Stage.REVIEW if received_on else Stage.REGISTERED))
    values.update(fields)
    app = Application(**values)
    from gongkai.applications import deadlines

    deadlines.recompute(app)
    app.save()
    return app


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def replied_application(agency, document=None, **fields) -> Application:
    """A case answered 予以公开 with ``document`` attached, through the steps."""
    from gongkai.applications import cases

    app = make_application(agency, received_on=dt.date.today(), **fields)
    cases.accept(app, user=None)
    cases.reply(app, user=None, outcome="disclosed", explanation="见附件。",
                documents=[document] if document else [])
    return app
