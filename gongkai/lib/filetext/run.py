"""Extraction in a child process with an address-space limit and a timeout.

    python -m gongkai.lib.filetext.run KIND PATH TEXT_CHARS UNPACKED_BYTES RATIO PAGES

prints the Result as JSON. ``extract_in_child`` starts it and turns a crash, a kill by the
memory limit or the timeout into a FAILED result with the reason, so the caller (a web
worker's background task, ``gongkai extract-attachments``) is never stalled.
"""

import json
import resource
import signal
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

from . import FAILED, Limits, Result, extract

# The directory holding the gongkai package, so that ``-m`` finds it from any working directory.
PACKAGE_PARENT = Path(__file__).resolve().parents[3]
CHILD_CPU_SLACK = 5  # seconds of CPU past the wall-clock timeout before the kernel steps in


def extract_in_child(path, kind: str, limits: Limits, *, seconds: float,
                     memory_bytes: int) -> Result:
    def limit():  # in the child, before it runs anything
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        cpu = int(seconds) + CHILD_CPU_SLACK
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))

    command = [sys.executable, "-m", "gongkai.lib.filetext.run", kind, str(path),
               str(limits.text_chars), str(limits.unpacked_bytes), str(limits.ratio),
               str(limits.pages)]
    try:
        child = subprocess.run(command, capture_output=True, timeout=seconds, preexec_fn=limit,
                               cwd=PACKAGE_PARENT, check=False)
    except subprocess.TimeoutExpired:
        return Result(FAILED, note=f"提取超时（超过 {seconds:g} 秒）")
    if child.returncode != 0:
        return Result(FAILED, note=_why(child, seconds, memory_bytes))
    try:
        return Result(**json.loads(child.stdout))
    except (ValueError, TypeError):
        return Result(FAILED, note="提取进程输出无法读取")


def _why(child, seconds: float, memory_bytes: int) -> str:
    """Why the child failed, for staff."""
    error = child.stderr.decode("utf-8", "replace")
    if "MemoryError" in error or child.returncode in (-signal.SIGKILL, -signal.SIGABRT,
                                                       -signal.SIGSEGV):
        return f"超出内存限制（{memory_bytes // (1024 * 1024)} MB）"
    if child.returncode == -signal.SIGXCPU:
        return f"提取超时（超过 {seconds:g} 秒）"
    lines = [line for line in error.strip().splitlines() if line.strip()]
    return "提取进程出错：" + (lines[-1][:200] if lines else f"退出码 {child.returncode}")


def main(argv: list[str]) -> int:
    kind, path, text_chars, unpacked, ratio, pages = argv
    limits = Limits(text_chars=int(text_chars), unpacked_bytes=int(unpacked), ratio=int(ratio),
                    pages=int(pages))
    result = extract(path, kind, limits)
    sys.stdout.write(json.dumps(asdict(result), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
