"""JSON Lines: one document per line, keyed like the extractor's output.

Written by other tools (a crawler, an export from an older system), so it is checked
strictly: a line that is not a JSON object, or whose date is not a date, becomes an error for
that line alone and the other lines still come through. Unknown keys are ignored.
"""

import json
from collections.abc import Iterator

from .base import (
    FIELDS,
    Extracted,
    ExtractError,
    Format,
    finish,
    looks_like_html,
    require_document,
)

_SUFFIXES = (".jsonl", ".ndjson", ".jsonlines")
# Catalogue fields beyond the page's eight that an export from another system may carry;
# passed through as strings for the importer (genre names, validity labels, ISO dates, URLs).
EXTRA_FIELDS = ("genre", "validity", "effective_on", "source_url")


class JsonLines(Format):
    name = "json-lines"
    multi = True

    def sniff(self, text: str, name: str = "") -> bool:
        if name.lower().endswith(_SUFFIXES):
            return True
        first = next((line.strip(" \t\r\x00") for line in text.splitlines() if line.strip()), "")
        return first.startswith("{") and not looks_like_html(text)

    def records(self, text: str) -> Iterator[Extracted]:
        # split("\n"), not splitlines(): JSON strings may hold U+2028, which is no line end.
        for number, line in enumerate(text.split("\n"), start=1):
            if line.strip():
                yield self._record(number, line)

    def parse(self, text: str) -> dict:
        records = list(self.records(text))
        if len(records) != 1:
            raise ExtractError(f"{len(records)} documents in one JSON Lines file")
        if records[0].error:
            raise ExtractError(records[0].error)
        return records[0].fields

    def _record(self, number: int, line: str) -> Extracted:
        if "\x00" in line:
            return Extracted(number, None, "这一行含有 NUL 字节（文件在此处损坏），未导入")
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            return Extracted(number, None, f"not valid JSON ({error.msg} at column {error.colno})")
        except RecursionError:
            return Extracted(number, None, "not valid JSON (nested too deeply)")
        try:
            fields = require_document(finish(self._checked(data), strict=True))
        except (ValueError, ExtractError) as error:
            return Extracted(number, None, str(error))
        except Exception as error:  # whatever else a line does to us costs that line only
            return Extracted(number, None, f"无法读取这一行：{type(error).__name__}: {error}")
        fields.update({k: data[k] for k in EXTRA_FIELDS if isinstance(data.get(k), str)})
        return Extracted(number, fields, None)

    def _checked(self, data) -> dict:
        if not isinstance(data, dict):
            raise ValueError(f"expected a JSON object, got {type(data).__name__}")
        for key in FIELDS:
            value = data.get(key)
            if key == "subject_terms" and isinstance(value, list):
                if not all(isinstance(term, str) for term in value):
                    raise ValueError("subject_terms: expected a list of strings")
            elif value is not None and not isinstance(value, str):
                raise ValueError(f"{key}: expected a string, got {type(value).__name__}")
        return {key: data.get(key) for key in FIELDS}

