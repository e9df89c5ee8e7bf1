"""ZIP archives: the names of the files inside (what a citizen searching for 申请表 needs to
find), never their contents, which would be another archive's worth of bombs to defuse."""

import zipfile

from .base import Broken, Extractor, Limits


class ZipExtractor(Extractor):
    kind = "zip"
    label = "ZIP"
    # Only the central directory is read, so a bomb inside unpacks nothing here.

    def text(self, path, limits: Limits) -> str:
        try:
            with zipfile.ZipFile(path, metadata_encoding=None) as archive:
                return "\n".join(_name(m) for m in archive.infolist() if not m.is_dir())
        except (zipfile.BadZipFile, OSError, ValueError) as e:
            raise Broken(f"压缩包已损坏（{e}）")


def _name(member: zipfile.ZipInfo) -> str:
    """Windows in China writes member names in GBK without saying so (no UTF-8 flag)."""
    if member.flag_bits & 0x800:
        return member.filename
    raw = member.filename.encode("cp437")
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return member.filename
