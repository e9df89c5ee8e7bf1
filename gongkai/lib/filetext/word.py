"""DOCX, with python-docx: paragraphs, then table cells, in document order."""

import docx
from docx.opc.exceptions import PackageNotFoundError

from .base import Broken, Extractor, Limits


class DocxExtractor(Extractor):
    kind = "docx"
    label = "Word"
    zipped = True

    def text(self, path, limits: Limits) -> str:
        try:
            document = docx.Document(path)
        except (PackageNotFoundError, KeyError, ValueError) as e:
            raise Broken(f"Word 文件已损坏（{e}）")
        parts = [p.text for p in document.paragraphs]
        for table in document.tables:
            for row in table.rows:
                parts.append(" ".join(cell.text for cell in row.cells))
        return "\n".join(parts)
