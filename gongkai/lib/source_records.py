"""Records that come from other sites: how one is recognised again, and what its 索引号 and
dates may say. Pure functions, no Django; the importer (``gongkai.importers.load``) applies
them. The rules are described for people in docs/importing.md.

    source_key(...)              the natural key of a record, for a unique, indexed column
    agency_code_in_index_no(no)  the 统一社会信用代码/组织机构代码 a 索引号 begins with, if valid
    date_problem(field, day)     why a date cannot be a document's 发布日期/成文日期/施行日期
"""

import datetime as dt
import hashlib
import re
import unicodedata
from urllib.parse import urlsplit

from .identifiers import is_valid_credit_code, is_valid_org_code, normalize_doc_no

# Keys longer than this are stored as a hash of the same text (still prefixed by their kind).
KEY_LENGTH = 128
_SPACE = re.compile(r"\s+")


def source_key(*, agency: str, title: str = "", doc_no: str = "", published_on=None,
               source_url: str = "") -> str:
    """The natural key of a record that has no 索引号 of its own, strongest first:

    - ``url:`` its source address (scheme, fragment and a final slash dropped, host lowercased);
    - ``doc:`` its agency, 文号 and 名称. A 文号 names one 公文 of one agency, but a notice and
      its 附件, or the articles of one law, share it: the 名称 keeps them apart. The date is
      left out (the 文号 carries the year), so a page re-dated by its site is still the same;
    - ``title:`` its agency, 名称 and 发布日期 (or none: an undated page).

    ``agency`` identifies the agency the record was filed under (the importer passes its
    primary key: an agency renamed later keeps its documents' keys). Text is compared after
    NFKC (full-width letters, digits and brackets as ASCII), case folding and without spaces.
    Keys longer than ``KEY_LENGTH`` become ``<kind>#<sha1 hex>``.
    """
    if url := normalize_url(source_url):
        kind, parts = "url", [url]
    elif doc_no := normalize_doc_no(doc_no):
        kind, parts = "doc", [str(agency), _text(doc_no), _text(title)]
    else:
        day = published_on.isoformat() if isinstance(published_on, dt.date) else (published_on or "")
        kind, parts = "title", [str(agency), _text(title), str(day)[:10]]
    text = "|".join(parts)
    key = f"{kind}:{text}"
    if len(key) > KEY_LENGTH:
        key = f"{kind}#{hashlib.sha1(text.encode('utf-8')).hexdigest()}"
    return key


def normalize_url(url: str | None) -> str:
    """``HTTPS://WWW.Gov.cn/a/b/#top`` → ``www.gov.cn/a/b``; "" for nothing."""
    url = (url or "").strip()
    if not url:
        return ""
    parts = urlsplit(url)
    if not parts.netloc:
        return url.split("#")[0].rstrip("/")
    path = parts.path.rstrip("/")
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.netloc.lower()}{path}{query}"


def _text(value: str | None) -> str:
    return _SPACE.sub("", unicodedata.normalize("NFKC", value or "")).casefold()


_CODE_AT_START = re.compile(r"^([0-9A-Z]{8}-?[0-9A-Z]{1,10})(?![0-9A-Z])")


def agency_code_in_index_no(index_no: str | None) -> str | None:
    """The agency code a 索引号 begins with (``11440303007546460H/2022-00033``,
    ``000014349/2018-00204``, ``00001434-9/…``), when its check character is right.

    The code must be the whole first part of the 索引号 (up to ``/``, ``-`` or the end):
    ``00001434922/2020`` begins with nine valid characters but is not a code.
    """
    match = _CODE_AT_START.match((index_no or "").strip().upper())
    if not match:
        return None
    code = match.group(1)
    if len(code) == 18 and is_valid_credit_code(code):
        return code
    if re.fullmatch(r"[0-9A-Z]{8}-?[0-9X]", code) and is_valid_org_code(code):
        return code.replace("-", "")
    return None


# The dates a document may carry. 发布日期: the People's Republic's disclosure began after its
# founding, and a page may be scheduled up to a year ahead; 成文/施行日期 are wider (laws still
# in force were written before 1949; a law may take effect years after it is passed).
EARLIEST_PUBLISHED = dt.date(1949, 10, 1)
PUBLISHED_AHEAD = dt.timedelta(days=366)
OTHER_DATES = (dt.date(1900, 1, 1), dt.date(2100, 12, 31))
DATE_LABELS = {"published_on": "发布日期", "written_on": "成文日期", "effective_on": "施行日期"}


def date_range(field: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last acceptable day for ``field`` (a key of ``DATE_LABELS``)."""
    if field == "published_on":
        return EARLIEST_PUBLISHED, today + PUBLISHED_AHEAD
    return OTHER_DATES


def date_problem(field: str, day: dt.date | None, today: dt.date) -> str | None:
    """A one-line reason (in Chinese, for the import summary) why ``day`` cannot be the
    document's ``field``; None when it can or when there is no date."""
    if day is None:
        return None
    first, last = date_range(field, today)
    if first <= day <= last:
        return None
    return (f"{DATE_LABELS.get(field, field)} {day.isoformat()} 超出可接受的范围"
            f"（{first.isoformat()} 至 {last.isoformat()}）")
