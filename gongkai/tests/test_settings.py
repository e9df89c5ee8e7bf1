import os
import secrets
import stat
import subprocess
import sys
import threading

import pytest
from django.core.exceptions import ImproperlyConfigured

from gongkai.config import (
    SEARCH_BACKENDS,
    SETTINGS,
    envbool,
    envchoice,
    envdatabase,
    envint,
    envlist,
    envorigins,
    envsecret,
    envurl,
    generated_secret,
)
from gongkai.test import REPO_DIR

SAMPLE_PAGE = REPO_DIR / "gongkai" / "importers" / "tests" / "data" / "meta_only.html"


def gongkai(*args, **env) -> subprocess.CompletedProcess:
    """Run the gongkai command with none of the caller's Gongkai or Django variables (browser
    tests set DJANGO_ALLOW_ASYNC_UNSAFE, which --deploy refuses), plus ``env``."""
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("GONGKAI_", "DJANGO_")) and k != "DATABASE_URL"}
    return subprocess.run([sys.executable, "-m", "gongkai.cli", *args], env={**clean, **env},
                          capture_output=True, text=True, cwd=REPO_DIR)


def test_it_rejects_a_bad_boolean_naming_the_variable(monkeypatch):
    monkeypatch.setenv("GONGKAI_DEBUG", "yes please")
    with pytest.raises(ImproperlyConfigured, match="GONGKAI_DEBUG"):
        envbool("GONGKAI_DEBUG", "False")


def test_it_rejects_a_bad_database_url(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "mongo://nowhere")
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        envdatabase("DATABASE_URL", "sqlite:///x")


def test_it_requires_a_secret_key_in_production(monkeypatch):
    monkeypatch.delenv("GONGKAI_SECRET_KEY", raising=False)
    monkeypatch.delenv("GONGKAI_SECRET_KEY_FILE", raising=False)
    with pytest.raises(ImproperlyConfigured, match="GONGKAI_SECRET_KEY"):
        envsecret("GONGKAI_SECRET_KEY", debug=False)
    assert envsecret("GONGKAI_SECRET_KEY", debug=True)


def test_the_embedded_database_keeps_a_generated_key(monkeypatch, tmp_path):
    monkeypatch.delenv("GONGKAI_SECRET_KEY", raising=False)
    monkeypatch.delenv("GONGKAI_SECRET_KEY_FILE", raising=False)
    key_file = tmp_path / "var" / "secret_key"
    key = envsecret("GONGKAI_SECRET_KEY", debug=False, key_file=key_file)
    assert len(key) >= 50
    assert key_file.read_text().strip() == key
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert envsecret("GONGKAI_SECRET_KEY", debug=False, key_file=key_file) == key
    monkeypatch.setenv("GONGKAI_SECRET_KEY", "set-by-the-operator")
    assert envsecret("GONGKAI_SECRET_KEY", debug=False, key_file=key_file) == "set-by-the-operator"


def test_processes_starting_at_once_agree_on_the_generated_key(tmp_path):
    key_file = tmp_path / "secret_key"
    start, keys = threading.Barrier(8), []

    def make():
        start.wait()
        keys.append(generated_secret("GONGKAI_SECRET_KEY", key_file))

    threads = [threading.Thread(target=make) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(keys) == 8 and len(set(keys)) == 1
    assert key_file.read_text().strip() == keys[0]
    assert os.listdir(tmp_path) == ["secret_key"]


def test_it_names_the_variable_when_the_key_file_cannot_be_made(tmp_path):
    (tmp_path / "var").write_text("a file where the data directory should be")
    with pytest.raises(ImproperlyConfigured, match="GONGKAI_SECRET_KEY is not set and .*GONGKAI_DATA_DIR"):
        generated_secret("GONGKAI_SECRET_KEY", tmp_path / "var" / "secret_key")


def test_it_rejects_an_empty_secret_key_file(monkeypatch, tmp_path):
    (tmp_path / "key").write_text("\n")
    monkeypatch.delenv("GONGKAI_SECRET_KEY", raising=False)
    monkeypatch.setenv("GONGKAI_SECRET_KEY_FILE", str(tmp_path / "key"))
    with pytest.raises(ImproperlyConfigured, match="GONGKAI_SECRET_KEY_FILE=.* is empty"):
        envsecret("GONGKAI_SECRET_KEY", debug=True, key_file=tmp_path / "secret_key")


def test_it_reads_the_secret_key_from_a_file(monkeypatch, tmp_path):
    (tmp_path / "key").write_text("s3cret\n")
    monkeypatch.delenv("GONGKAI_SECRET_KEY", raising=False)
    monkeypatch.setenv("GONGKAI_SECRET_KEY_FILE", str(tmp_path / "key"))
    assert envsecret("GONGKAI_SECRET_KEY", debug=False) == "s3cret"


def test_it_rejects_an_empty_host_list(monkeypatch):
    monkeypatch.setenv("GONGKAI_ALLOWED_HOSTS", " , ")
    with pytest.raises(ImproperlyConfigured, match="GONGKAI_ALLOWED_HOSTS"):
        envlist("GONGKAI_ALLOWED_HOSTS", "x")


def test_it_chooses_a_search_backend_by_name(monkeypatch):
    monkeypatch.delenv("GONGKAI_SEARCH_BACKEND", raising=False)
    assert envchoice("GONGKAI_SEARCH_BACKEND", SEARCH_BACKENDS) is None
    monkeypatch.setenv("GONGKAI_SEARCH_BACKEND", "Tantivy")
    assert envchoice("GONGKAI_SEARCH_BACKEND", SEARCH_BACKENDS) == "gongkai.search.backends.tantivy"
    monkeypatch.setenv("GONGKAI_SEARCH_BACKEND", "elasticsearch")
    with pytest.raises(ImproperlyConfigured, match="GONGKAI_SEARCH_BACKEND='elasticsearch'"):
        envchoice("GONGKAI_SEARCH_BACKEND", SEARCH_BACKENDS)


def test_it_reads_whole_numbers(monkeypatch):
    monkeypatch.setenv("GONGKAI_HSTS_SECONDS", "3600")
    assert envint("GONGKAI_HSTS_SECONDS", "0") == 3600
    monkeypatch.setenv("GONGKAI_HSTS_SECONDS", "1 year")
    with pytest.raises(ImproperlyConfigured, match="GONGKAI_HSTS_SECONDS='1 year'"):
        envint("GONGKAI_HSTS_SECONDS", "0")


def test_the_site_url_needs_a_scheme(monkeypatch):
    monkeypatch.setenv("GONGKAI_SITE_URL", "https://gkml.example.gov.cn/")
    assert envurl("GONGKAI_SITE_URL", "x") == "https://gkml.example.gov.cn/"
    monkeypatch.setenv("GONGKAI_SITE_URL", "gkml.example.gov.cn")
    with pytest.raises(ImproperlyConfigured, match="GONGKAI_SITE_URL='gkml.example.gov.cn'"):
        envurl("GONGKAI_SITE_URL", "x")


def test_trusted_origins_are_origins(monkeypatch):
    monkeypatch.setenv("GONGKAI_CSRF_TRUSTED_ORIGINS", "https://www.example.gov.cn, http://10.0.0.5:8080/")
    assert envorigins("GONGKAI_CSRF_TRUSTED_ORIGINS") == ["https://www.example.gov.cn", "http://10.0.0.5:8080"]
    monkeypatch.setenv("GONGKAI_CSRF_TRUSTED_ORIGINS", "www.example.gov.cn")
    with pytest.raises(ImproperlyConfigured, match="GONGKAI_CSRF_TRUSTED_ORIGINS"):
        envorigins("GONGKAI_CSRF_TRUSTED_ORIGINS")
    monkeypatch.setenv("GONGKAI_CSRF_TRUSTED_ORIGINS", "https://www.example.gov.cn/admin/")
    with pytest.raises(ImproperlyConfigured, match="GONGKAI_CSRF_TRUSTED_ORIGINS"):
        envorigins("GONGKAI_CSRF_TRUSTED_ORIGINS")


def test_a_fresh_checkout_runs_with_no_variables_set(tmp_path):
    first = gongkai("extract", str(SAMPLE_PAGE), GONGKAI_DATA_DIR=str(tmp_path))
    assert first.returncode == 0, first.stderr
    assert '"publisher": "国务院办公厅"' in first.stdout
    key_file = tmp_path / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_text().strip()

    second = gongkai("shell", "--no-imports", "-c", "from django.conf import settings; print(settings.SECRET_KEY)",
                     GONGKAI_DATA_DIR=str(tmp_path))
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == key


def test_start_up_stops_with_one_line_that_names_the_variable(tmp_path):
    result = gongkai("migrate", "--plan", GONGKAI_DEBUG="maybe", GONGKAI_DATA_DIR=str(tmp_path))
    assert result.returncode == 2
    assert result.stderr == "gongkai: 配置错误：GONGKAI_DEBUG='maybe' is not understood; use True or False\n"


def test_postgresql_needs_a_secret_key_of_its_own(tmp_path):
    result = gongkai("extract", str(SAMPLE_PAGE), GONGKAI_DATA_DIR=str(tmp_path),
                     DATABASE_URL="postgres://gongkai@127.0.0.1:5432/gongkai")
    assert result.returncode == 2
    assert result.stderr.startswith("gongkai: 配置错误：GONGKAI_SECRET_KEY is not set")
    assert result.stderr.count("\n") == 1
    assert not (tmp_path / "secret_key").exists()


def test_a_production_configuration_passes_the_deploy_checks(tmp_path):
    result = gongkai("system-check", "--deploy", "--fail-level", "WARNING",
                     GONGKAI_DEBUG="False", DATABASE_URL=f"sqlite:///{tmp_path / 'gongkai.sqlite3'}",
                     GONGKAI_SECRET_KEY=secrets.token_urlsafe(50),
                     GONGKAI_ALLOWED_HOSTS="gkml.example.gov.cn",
                     GONGKAI_SITE_URL="https://gkml.example.gov.cn", GONGKAI_DATA_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stderr


def test_every_setting_is_documented():
    docs = (REPO_DIR / "docs" / "configuration.md").read_text(encoding="utf-8")
    missing = [s.name for s in SETTINGS if f"`{s.name}`" not in docs]
    assert missing == []
