"""PDF, with pypdf. A scan has pages but no text layer: flagged 无文字层 for staff."""

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from .base import Broken, Extractor, Limits, NoText, TooLarge


class PdfExtractor(Extractor):
    kind = "pdf"
    label = "PDF"

    def text(self, path, limits: Limits) -> str:
        try:
            reader = PdfReader(path)
            if reader.is_encrypted:
                reader.decrypt("")  # most "encrypted" government PDFs only forbid editing
            pages = reader.pages
            count = len(pages)
        except PdfReadError as e:
            raise Broken(f"PDF 文件已损坏（{e}）")
        if count > limits.pages:
            raise TooLarge(f"共 {count} 页，超过 {limits.pages} 页的上限")
        texts, kept = [], 0
        for page in pages:
            text = page.extract_text() or ""
            texts.append(text)
            kept += len(text)
            if kept > limits.text_chars:
                break
        if not "".join(texts).strip():
            raise NoText(f"无文字层（{count} 页，可能是扫描件）")
        return "\n".join(texts)
