"""XLSX, with openpyxl in read-only mode (rows are streamed, not loaded at once): each
sheet's name, then its rows, cells separated by spaces."""

import openpyxl

from .base import Broken, Extractor, Limits


class XlsxExtractor(Extractor):
    kind = "xlsx"
    label = "Excel"
    zipped = True

    def text(self, path, limits: Limits) -> str:
        try:
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except (KeyError, ValueError, OSError) as e:
            raise Broken(f"Excel 文件已损坏（{e}）")
        parts, kept = [], 0
        try:
            for sheet in workbook.worksheets:
                parts.append(sheet.title)
                for row in sheet.iter_rows(values_only=True):
                    line = " ".join(str(v) for v in row if v is not None)
                    parts.append(line)
                    kept += len(line)
                    if kept > limits.text_chars:
                        return "\n".join(parts)
        finally:
            workbook.close()
        return "\n".join(parts)
