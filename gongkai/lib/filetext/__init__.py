"""Text out of attached files: what kind a file really is (by its content, never its name)
and its text, one module per format behind ``base.Extractor``. Pure code: no Django.

    kind = detect(path)                      # "pdf", "docx", "xlsx", "ofd", "image", "zip" or None
    result = extract(path, kind, limits)     # Result(status, text, note)

``extract`` runs in the process that calls it; ``gongkai.lib.filetext.run`` is the same in
a child process with an address-space limit and a timeout, which is how the platform calls
it (a decompression bomb or a huge PDF then costs a bounded child, never the server).
"""

from . import archive, excel, image, ofd, pdf, word
from .base import (
    EXTRACTED,
    FAILED,
    NO_TEXT,
    TOO_LARGE,
    Broken,
    Extractor,
    Limits,
    NoText,
    Result,
    TooLarge,
)
from .detect import KINDS, detect, kind_matches_name

__all__ = ["EXTRACTED", "FAILED", "NO_TEXT", "TOO_LARGE", "Broken", "Extractor", "Limits",
           "NoText", "Result", "TooLarge", "KINDS", "detect", "kind_matches_name", "extract",
           "extractor_for", "EXTRACTORS"]


# One module per format; each extractor declares the kind it reads.
EXTRACTORS = {e.kind: e for e in (pdf.PdfExtractor(), word.DocxExtractor(),
                                  excel.XlsxExtractor(), ofd.OfdExtractor(),
                                  image.ImageExtractor(), archive.ZipExtractor())}


def extractor_for(kind: str) -> Extractor | None:
    return EXTRACTORS.get(kind)


def extract(path, kind: str, limits: Limits | None = None) -> Result:
    """The text of the file at ``path`` of ``kind``, or why there is none."""
    extractor = extractor_for(kind)
    if extractor is None:
        return Result(FAILED, note=f"不支持的类型：{kind}")
    return extractor.run(path, limits or Limits())
