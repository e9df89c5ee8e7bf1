"""Identifiers of the catalogue: organisation codes, 索引号 and 文号.

Pure functions, no Django. The check-digit algorithms follow GB 32100-2015
(统一社会信用代码) and GB 11714-1997 (组织机构代码); see docs in domain.md §2.
"""

import re

# GB 32100: 31 characters, no I, O, Z, S, V.
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]
# GB 11714: digits then the full Latin alphabet (so M is 22 here, 21 above).
_ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def org_code_check_char(body: str) -> str:
    """The 9th character of a 组织机构代码 whose first eight are ``body``."""
    total = sum(_ORG_ALPHABET.index(c) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def is_valid_org_code(code: str) -> bool:
    code = code.replace("-", "")
    if not re.fullmatch(r"[0-9A-Z]{8}[0-9X]", code):
        return False
    return org_code_check_char(code[:8]) == code[8]


def credit_code_check_char(body: str) -> str:
    """The 18th character of a 统一社会信用代码 whose first seventeen are ``body``."""
    total = sum(_USCC_ALPHABET.index(c) * w for c, w in zip(body, _USCC_WEIGHTS, strict=True))
    return _USCC_ALPHABET[(31 - total % 31) % 31]


def is_valid_credit_code(code: str) -> bool:
    if len(code) != 18 or any(c not in _USCC_ALPHABET for c in code):
        return False
    return credit_code_check_char(code[:17]) == code[17]


def is_valid_agency_code(code: str) -> bool:
    """An agency code is an 18-character credit code or a 9-character org code."""
    code = (code or "").strip().upper()
    if len(code) == 18:
        return is_valid_credit_code(code)
    return is_valid_org_code(code)


# 文号: 机关代字 + 〔年份〕 + 序号 + 号. People type the year brackets in many ways.
_DOC_NO_BRACKETS = re.compile(
    r"[\[［〔【(（﹝{｛<《]\s*(\d{4})\s*[\]］〕】)）﹞}｝>》]"
)


def normalize_doc_no(value: str | None) -> str:
    """Return the 文号 with its year in 〔〕 and stray spaces removed.

    ``深府办[2021]3号``, ``深府办（2021）3号`` and ``深府办【2021】3号`` all become
    ``深府办〔2021〕3号``; anything that is not a 文号 is returned stripped.
    """
    if not value:
        return ""
    text = re.sub(r"\s+", "", value.replace("\u3000", ""))
    return _DOC_NO_BRACKETS.sub(r"〔\1〕", text)


# The shape of a normalised 文号: 机关代字 〔年份〕 序号 号, e.g. 国办函〔2018〕71号.
_DOC_NO = re.compile(r"(?P<prefix>\D{1,20}?)〔(?P<year>\d{4})〕(?P<serial>\d+)号")
_DOC_NO_PREFIX = re.compile(r"^(\D+?)〔?\d{4}")


def is_doc_no(value: str | None) -> bool:
    """True when ``value``, however its brackets are typed, is a whole 文号."""
    return bool(_DOC_NO.fullmatch(normalize_doc_no(value)))


def doc_no_prefix(value: str | None) -> str:
    """机关代字 of a 文号: 国办函〔2018〕71号 (or 国办函[2018]71号) gives 国办函."""
    match = _DOC_NO_PREFIX.match(normalize_doc_no(value))
    return match.group(1) if match else ""


def format_index_no(pattern: str, *, agency_code: str, year: int, serial: int) -> str:
    """Fill the configurable 索引号 pattern, e.g. ``{agency_code}/{year}-{serial:05d}``."""
    return pattern.format(agency_code=agency_code, year=year, serial=serial)


# 居民身份证号 (GB 11643-1999): 6-digit area, 8-digit birth date, 3-digit sequence, check
# character from ISO 7064 MOD 11-2.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_card_check_char(body: str) -> str:
    """The 18th character of a 居民身份证号 whose first seventeen digits are ``body``."""
    return _ID_CHECK[sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS, strict=True)) % 11]


def is_valid_id_card(number: str) -> bool:
    """An 18-character 居民身份证号 with a real birth date and the right check character."""
    import datetime as dt

    number = (number or "").strip().upper()
    if not re.fullmatch(r"\d{17}[0-9X]", number):
        return False
    try:
        dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return id_card_check_char(number[:17]) == number[17]
