"""The base class every format's extractor fills in, its limits and its result."""

import zipfile
from dataclasses import dataclass

# What became of a file's text (the platform stores these values).
EXTRACTED = "extracted"  # text read
NO_TEXT = "no_text"  # a scan or an image: nothing to read without OCR
FAILED = "failed"  # broken, or the child process ran out of time or memory
TOO_LARGE = "too_large"  # more than the limits allow (a decompression bomb, too many pages)


@dataclass(frozen=True)
class Limits:
    """How much an extraction may read. ``text_chars``: text kept (the rest is cut);
    ``unpacked_bytes``: what a ZIP-based file may hold once unpacked; ``ratio``: how much
    more than its packed size a member may unpack to (bombs pack at 1000:1 and more);
    ``pages``: PDF pages read."""

    text_chars: int = 1_000_000
    unpacked_bytes: int = 200 * 1024 * 1024
    ratio: int = 200
    pages: int = 2000


@dataclass(frozen=True)
class Result:
    status: str
    text: str = ""
    note: str = ""  # why, for staff, in Chinese: the failure's reason, or that text was cut


class Broken(Exception):
    """The file is damaged or not what its format expects; the message says how."""


class NoText(Exception):
    """The file holds no text layer (a scan)."""


class TooLarge(Exception):
    """Reading it would pass the limits; the message says which."""


class Extractor:
    """One format. Subclasses set ``kind`` and ``label`` and fill in ``text()``."""

    kind = ""
    label = ""
    # ZIP-based formats (DOCX, XLSX, OFD) are checked for bombs before they are opened.
    zipped = False

    def text(self, path, limits: Limits) -> str:
        raise NotImplementedError

    def run(self, path, limits: Limits) -> Result:
        try:
            if self.zipped:
                check_zip(path, limits)
            text = normalise(self.text(path, limits))
        except NoText as e:
            return Result(NO_TEXT, note=str(e))
        except TooLarge as e:
            return Result(TOO_LARGE, note=str(e))
        except Broken as e:
            return Result(FAILED, note=str(e) or f"{self.label}文件已损坏")
        except MemoryError:
            return Result(FAILED, note="超出内存限制")
        except Exception as e:  # a damaged file makes libraries fail in many ways
            return Result(FAILED, note=f"{self.label}文件无法读取（{type(e).__name__}）")
        if not text.strip():
            return Result(NO_TEXT, note="文件中没有可提取的文字")
        if len(text) > limits.text_chars:
            return Result(EXTRACTED, text[:limits.text_chars],
                          note=f"文字过长，仅保留前 {limits.text_chars} 字")
        return Result(EXTRACTED, text)


def normalise(text: str) -> str:
    """One line per paragraph, no runs of blank lines, no NUL (databases refuse it)."""
    lines = (" ".join(line.split()) for line in (text or "").replace("\x00", "").splitlines())
    return "\n".join(line for line in lines if line)


def check_zip(path, limits: Limits) -> None:
    """Refuse a ZIP whose members would unpack past the limits, by its central directory
    (cheap). Members that lie about their size are caught by reading them with a bound
    (``read_member``) and, in the child process, by its memory limit."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise Broken(f"压缩结构已损坏（{e}）")
    total = 0
    for member in members:
        total += member.file_size
        if total > limits.unpacked_bytes:
            raise TooLarge(f"解压后超过 {limits.unpacked_bytes // (1024 * 1024)} MB（疑似压缩炸弹）")
        if member.file_size > 1024 * 1024 and member.file_size > limits.ratio * max(1, member.compress_size):
            raise TooLarge(f"压缩比异常（{member.filename}，疑似压缩炸弹）")


def read_member(archive: zipfile.ZipFile, name: str, limits: Limits) -> bytes:
    """A member's bytes, at most ``limits.unpacked_bytes`` whatever its header says."""
    with archive.open(name) as f:
        data = f.read(limits.unpacked_bytes + 1)
    if len(data) > limits.unpacked_bytes:
        raise TooLarge(f"{name} 解压后过大（疑似压缩炸弹）")
    return data
