"""What a file is, by its content: magic numbers, and for ZIP containers the members that
make a DOCX, an XLSX or an OFD. The name only has to agree with what the content is."""

import zipfile
from pathlib import PurePath

# kind → (label shown to staff, extensions a file of that kind may have)
KINDS = {
    "pdf": ("PDF", (".pdf",)),
    "docx": ("Word（DOCX）", (".docx",)),
    "xlsx": ("Excel（XLSX）", (".xlsx",)),
    "ofd": ("OFD", (".ofd",)),
    "image": ("图片", (".png", ".jpg", ".jpeg", ".gif", ".tif", ".tiff", ".bmp", ".webp")),
    "zip": ("ZIP 压缩包", (".zip",)),
}

# Image signatures (the first bytes of the file).
IMAGE_MAGIC = [b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"II*\x00",
               b"MM\x00*", b"BM"]
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a member first, or an empty archive


def detect(source) -> str | None:
    """The kind of the file at ``source`` (a path, or a seekable binary file, which is read
    from its start and left there): a key of KINDS, or None when it is none of them."""
    if hasattr(source, "read"):
        try:
            return _detect(source)
        finally:
            source.seek(0)
    with open(source, "rb") as f:
        return _detect(f)


def _detect(f) -> str | None:
    f.seek(0)
    head = f.read(1024)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if any(head.startswith(magic) for magic in IMAGE_MAGIC):
        return "image"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image"
    if head.startswith(ZIP_MAGIC):
        return _zip_kind(f)
    # PDF readers accept the header anywhere in the first kilobyte (after a mail header …).
    return "pdf" if b"%PDF-" in head else None


def _zip_kind(f) -> str:
    try:
        with zipfile.ZipFile(f) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return "zip"  # a damaged archive is still a ZIP: extraction says it is broken
    if "[Content_Types].xml" in names:
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
    if "OFD.xml" in names:  # GB/T 33190: the entry file at the package's root
        return "ofd"
    return "zip"


def kind_matches_name(kind: str, name: str) -> bool:
    return PurePath(name).suffix.lower() in KINDS[kind][1]


def label(kind: str) -> str:
    return KINDS[kind][0]
