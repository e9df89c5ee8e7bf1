import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from gongkai.config import (
    SEARCH_BACKENDS,
    SETTINGS,
    envbool,
    envchoice,
    envdatabase,
    envlist,
    envsecret,
)
from gongkai.test import REPO_DIR


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
    with pytest.raises(ImproperlyConfigured, match="GONGKAI_SECRET_KEY"):
        envsecret("GONGKAI_SECRET_KEY", debug=False)
    assert envsecret("GONGKAI_SECRET_KEY", debug=True)


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


def test_start_up_stops_with_a_message_that_names_the_variable():
    env = {**os.environ, "GONGKAI_DEBUG": "maybe", "DJANGO_SETTINGS_MODULE": "gongkai.settings"}
    result = subprocess.run([sys.executable, "-m", "gongkai.cli", "migrate", "--plan"], env=env,
                            capture_output=True, text=True, cwd=REPO_DIR)
    assert result.returncode != 0
    assert "GONGKAI_DEBUG='maybe'" in result.stderr


def test_every_setting_is_documented():
    docs = (REPO_DIR / "docs" / "configuration.md").read_text(encoding="utf-8")
    missing = [s.name for s in SETTINGS if f"`{s.name}`" not in docs]
    assert missing == []
