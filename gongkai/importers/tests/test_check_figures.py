import io

import pytest
from django.core.management import CommandError, call_command


def test_a_stray_nul_byte_does_not_make_a_text_binary(tmp_path):
    path = tmp_path / "report.txt"
    path.write_bytes("全年受理1080宗，其中已化解1062件，化解率为98.33%。\x00\n".encode())
    out = io.StringIO()
    call_command("check_figures", str(path), stdout=out)
    assert "核验 1 处数字关系：一致 1 处" in out.getvalue()


def test_a_binary_file_says_why(tmp_path):
    path = tmp_path / "x.bin"
    path.write_bytes(b"\x00\x01" * 100)
    with pytest.raises(CommandError, match="不是文本文件（binary file"):
        call_command("check_figures", str(path))
