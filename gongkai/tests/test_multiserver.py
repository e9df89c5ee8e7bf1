"""Several application servers on one machine, as docs/deployment.md#several-servers sets them up.

The test makes its own PostgreSQL primary and streaming replica (initdb, pg_basebackup -R) in a
temporary directory, on ports of their own, as the postgres OS user, leaving the machine's
cluster alone; loads the demo catalogue; and starts two gunicorn servers, A and B, with the
command line of the ``gongkai@.service`` template in docs/deployment.md (read from the doc, so
the two cannot drift apart), each with its own data directory and tantivy index, both reading
the replica (GONGKAI_DATABASE_REPLICAS) and sharing the machine's Redis (a database number of
their own). Then:

(a) a document published through server A's admin (HTTP, as a reviewer would; the draft is
    made and sent to review from the command line) is found by server B's search within
    SEARCH_SECONDS — B's index follows the change log through its own cursor;
(b) during a load run (threads sending GETs to both servers) the replica is killed once the
    servers read from it: every acknowledged request — one that got an HTTP response — is a
    200, before and after, and both servers go on answering, from the primary;
(c) later in the same run server B is killed (SIGKILL, its whole process group, as a machine
    losing power): the requests it had not answered fail as connection errors, never as an HTTP
    error, and 浏览次数 loses no view beyond the documented bound (LOST_WINDOW_SECONDS: none with
    the Redis buffer every server shares, B's last flush interval with each worker's memory),
    once the counts have reached the database (VIEWS_SETTLE_SECONDS at most).

Slow (about a minute): marked ``slow``; runs in CI on PostgreSQL, skips on SQLite or where the
PostgreSQL server binaries, gunicorn or Redis are missing.
"""

import http.cookiejar
import json
import os
import pwd
import random
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from gongkai.config import SETTINGS
from gongkai.replicas import AFTER_WRITE_SECONDS
from gongkai.test import REPO_DIR

pytestmark = pytest.mark.slow

PG_BIN = Path(os.environ.get("GONGKAI_TEST_PG_BIN", "/usr/lib/postgresql/15/bin"))
GUNICORN = Path(sys.executable).with_name("gunicorn")
REDIS_DB = 12  # the machine's Redis, a database no other test uses (flushed before and after)
SEARCH_SECONDS = 10
FLUSH_SECONDS = 1  # GONGKAI_VIEW_COUNT_FLUSH_SECONDS of both servers
# The bound of (c). Views counted in each worker's memory (GONGKAI_VIEW_COUNT_FLUSH_SECONDS):
# those B had not written may be lost — its document pages answered within its last flush
# interval (and a second of slack for the flush itself and the clock) before it was killed.
# Views counted in a buffer every server shares (GONGKAI_VIEW_COUNT_BUFFER=redis, the default
# with a redis:// cache, where that setting exists): none.
SHARED_VIEW_BUFFER = any(s.name == "GONGKAI_VIEW_COUNT_BUFFER" for s in SETTINGS)
LOST_WINDOW_SECONDS = 0 if SHARED_VIEW_BUFFER else FLUSH_SECONDS + 1.0
# How long the counted views may take to reach the database: a server killed while flushing
# the shared buffer holds its lock this long (LOCK_SECONDS in views_count/redis.py).
VIEWS_SETTLE_SECONDS = 35
DEPLOYMENT_MD = REPO_DIR / "docs" / "deployment.md"


def _skip_reason() -> str | None:
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        return "runs with DATABASE_URL=postgres://… (CI's PostgreSQL run)"
    for tool in ("initdb", "pg_ctl", "pg_basebackup", "psql"):
        if not (PG_BIN / tool).exists():
            return f"needs PostgreSQL's {PG_BIN / tool}"
    if not GUNICORN.exists():
        return "needs gunicorn in the virtualenv"
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return "needs the postgres OS user"
    if os.geteuid() != 0 and pwd.getpwuid(os.geteuid()).pw_name != "postgres":
        return "needs to run as root or postgres (initdb as the postgres user)"
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return "needs Redis at 127.0.0.1:6379"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def as_postgres(*command, **kwargs) -> subprocess.CompletedProcess:
    if os.geteuid() == 0:
        command = ("runuser", "-u", "postgres", "--", *command)
    done = subprocess.run([str(c) for c in command], capture_output=True, text=True,
                          timeout=120, **kwargs)
    if done.returncode:
        raise subprocess.SubprocessError(f"{' '.join(map(str, command))}: {done.returncode}\n"
                                         f"{done.stdout}\n{done.stderr}")
    return done


def unit_command(port: int, data_dir: Path, env: dict) -> tuple[list[str], dict]:
    """gunicorn's command line and the Environment= lines of docs/deployment.md's
    gongkai@.service for instance ``port``, ${VARIABLES} expanded from ``env`` as systemd does
    from the env file; two workers instead of four (a 2-core CI box)."""
    text = DEPLOYMENT_MD.read_text(encoding="utf-8")
    unit = re.search(r"```ini\n(# /etc/systemd/system/gongkai@\.service.*?)```", text, re.S)
    assert unit, "docs/deployment.md has no gongkai@.service block"
    unit = unit.group(1).replace("\\\n", " ")
    start = re.search(r"^ExecStart=(.*)$", unit, re.M).group(1)
    start = (start.replace("/srv/gongkai/.venv/bin/gunicorn", str(GUNICORN))
             .replace("%i", str(port)).replace("--workers 4", "--workers 2"))
    start = re.sub(r"\$\{(\w+)\}", lambda m: env[m.group(1)], start)
    env = {}
    for name, value in re.findall(r"^Environment=(\w+)=(.*)$", unit, re.M):
        env[name] = (value.replace("/var/lib/gongkai", str(data_dir.parent))
                     .replace("%i", str(port)).replace("%H", socket.gethostname()))
    return shlex.split(start), env


def env_file_names() -> set[str]:
    """The variables the doc's env file for several servers sets."""
    text = DEPLOYMENT_MD.read_text(encoding="utf-8")
    block = re.search(r"```sh\n(# /etc/gongkai/gongkai\.env on every application server.*?)```",
                      text, re.S)
    assert block, "docs/deployment.md has no env file for several servers"
    return set(re.findall(r"^(\w+)=", block.group(1), re.M))


@dataclass
class Server:
    name: str
    port: int
    data_dir: Path
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


class Cluster:
    def __init__(self, root: Path):
        self.root = root
        self.primary_port, self.replica_port = free_port(), free_port()
        self.primary_dir, self.replica_dir = root / "primary", root / "replica"
        self.sockets = root / "run"
        self.servers = {}
        for name in "AB":
            port = free_port()  # the unit's instance name: the data directory is named by it
            self.servers[name] = Server(name, port, root / "srv" / str(port))
        self.env = self._env()

    def _env(self) -> dict:
        clean = {k: v for k, v in os.environ.items()
                 if not k.startswith(("GONGKAI_", "DJANGO_")) and k != "DATABASE_URL"}
        return {**clean, "PYTHONPATH": str(REPO_DIR),
                "DATABASE_URL": f"postgres://postgres@127.0.0.1:{self.primary_port}/gongkai",
                "GONGKAI_DATABASE_REPLICAS":
                    f"postgres://postgres@127.0.0.1:{self.replica_port}/gongkai",
                "GONGKAI_CACHE_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
                "GONGKAI_SEARCH_BACKEND": "tantivy",
                "GONGKAI_SECRET_KEY": "multi-server-test-key",
                "GONGKAI_DATA_DIR": str(self.root / "cli"),  # commands' own, not var/
                "GONGKAI_ALLOWED_HOSTS": "127.0.0.1,localhost",
                "GONGKAI_SITE_URL": "http://127.0.0.1",
                "GONGKAI_VIEW_COUNT_FLUSH_SECONDS": str(FLUSH_SECONDS),
                "GONGKAI_API_REQUESTS_PER_MINUTE": "0",
                "GONGKAI_ATTACHMENT_EXTRACT": "off",
                "LISTEN_ADDRESS": "127.0.0.1"}

    # -- PostgreSQL ---------------------------------------------------------------------------

    def start_databases(self) -> None:
        self.root.chmod(0o755)
        for d in (self.primary_dir, self.replica_dir, self.sockets):
            d.mkdir(mode=0o700)
            shutil.chown(d, "postgres", "postgres")
        as_postgres(PG_BIN / "initdb", "-D", self.primary_dir, "-U", "postgres", "--auth=trust",
                    "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync")
        with open(self.primary_dir / "postgresql.conf", "a") as conf:
            conf.write(f"\nport = {self.primary_port}\nlisten_addresses = '127.0.0.1'\n"
                       f"unix_socket_directories = '{self.sockets}'\nwal_level = replica\n"
                       "max_wal_senders = 4\nfsync = off\nhot_standby = on\n")
        with open(self.primary_dir / "pg_hba.conf", "a") as hba:
            hba.write("host replication postgres 127.0.0.1/32 trust\n")
        self.pg_ctl(self.primary_dir, "start")
        as_postgres(PG_BIN / "pg_basebackup", "-h", "127.0.0.1", "-p", self.primary_port,
                    "-U", "postgres", "-D", self.replica_dir, "-R", "-X", "stream",
                    "--checkpoint=fast", "--no-sync")
        with open(self.replica_dir / "postgresql.conf", "a") as conf:
            conf.write(f"\nport = {self.replica_port}\n")
        self.pg_ctl(self.replica_dir, "start")
        self.psql(self.primary_port, "CREATE DATABASE gongkai")

    def pg_ctl(self, data_dir: Path, action: str, *options) -> None:
        log = data_dir / "server.log"
        try:
            as_postgres(PG_BIN / "pg_ctl", "-D", data_dir, "-l", log, "-w", action, *options)
        except subprocess.SubprocessError as error:
            raise AssertionError(f"{error}\n{log.read_text(errors='replace')[-2000:]}")

    def psql(self, port: int, sql: str, database: str = "postgres") -> str:
        return as_postgres(PG_BIN / "psql", "-h", "127.0.0.1", "-p", port, "-U", "postgres",
                           "-d", database, "-At", "-v", "ON_ERROR_STOP=1", "-c", sql).stdout.strip()

    def kill_replica(self) -> None:
        self.pg_ctl(self.replica_dir, "stop", "-m", "immediate")

    def stop_databases(self) -> None:
        for d in (self.replica_dir, self.primary_dir):
            if (d / "postmaster.pid").exists():
                try:
                    self.pg_ctl(d, "stop", "-m", "immediate")
                except AssertionError:
                    pass

    # -- Gongkai ------------------------------------------------------------------------------

    def gongkai(self, *args, server: Server | None = None) -> str:
        env = dict(self.env)
        if server:  # as that instance of the unit: its data directory and search node name
            env.update(unit_command(server.port, server.data_dir, self.env)[1])
            assert env["GONGKAI_DATA_DIR"] == str(server.data_dir)
        done = subprocess.run([sys.executable, "-m", "gongkai.cli", *args], env=env,
                              cwd=REPO_DIR, capture_output=True, text=True, timeout=180)
        assert done.returncode == 0, f"gongkai {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def shell(self, code: str) -> str:
        """The last line ``code`` printed, run by ``gongkai shell`` (which may print more)."""
        return self.gongkai("shell", "-c", code).strip().splitlines()[-1]

    def start_server(self, server: Server) -> None:
        command, unit_env = unit_command(server.port, server.data_dir, self.env)
        server.data_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.root / f"server-{server.name}.log", "w")
        server.process = subprocess.Popen(
            command, env={**self.env, **unit_env}, cwd=REPO_DIR, stdout=log,
            stderr=subprocess.STDOUT, start_new_session=True)  # its own group, killed at once

    def wait_until_serving(self, server: Server, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            assert server.process.poll() is None, f"server {server.name} exited:\n{self.log(server)}"
            try:
                if get(f"{server.url}/healthz", timeout=2)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise AssertionError(f"server {server.name} did not start:\n{self.log(server)}")

    def log(self, server: Server, lines: int = 60) -> str:
        path = self.root / f"server-{server.name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""

    def stop_servers(self, sig=signal.SIGKILL) -> None:
        for server in self.servers.values():
            if server.process and server.process.poll() is None:
                try:
                    os.killpg(server.process.pid, sig)
                except ProcessLookupError:
                    pass
                server.process.wait(timeout=30)

    def redis_flush(self) -> None:
        import redis

        redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB).flushdb()

    def view_total(self) -> int:
        return int(self.psql(self.primary_port,
                             "SELECT coalesce(sum(view_count), 0) FROM documents_document",
                             "gongkai"))

    def flush_views(self, *, until: int) -> int:
        """The stored 浏览次数 total once it reaches ``until``, or after VIEWS_SETTLE_SECONDS:
        flushing (what any process's next flush does) until then. A server killed while
        flushing holds the buffer's lock until it expires (docs/deployment.md)."""
        return int(self.shell(
            "import time\n"
            "from django.db.models import Sum\n"
            "from gongkai.documents.models import Document\n"
            "from gongkai.documents.views_count import view_counter\n"
            f"deadline = time.monotonic() + {VIEWS_SETTLE_SECONDS}\n"
            "while True:\n"
            "    view_counter.flush()\n"
            "    total = Document.objects.aggregate(n=Sum('view_count'))['n'] or 0\n"
            f"    if total >= {until} or time.monotonic() > deadline:\n"
            "        break\n"
            "    time.sleep(0.5)\n"
            "print(total)"))


def get(url: str, timeout: float = 10, opener=None) -> tuple[int, bytes]:
    try:
        with (opener or urllib.request.build_opener()).open(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.fixture(scope="module")
def cluster():
    if reason := _skip_reason():
        pytest.skip(reason)
    root = Path(tempfile.mkdtemp(prefix="gongkai-multiserver-"))
    cluster = Cluster(root)
    try:
        cluster.redis_flush()
        cluster.start_databases()
        cluster.gongkai("migrate", "--no-input")
        cluster.gongkai("load_demo")
        for server in cluster.servers.values():
            # A new application server builds its own index (docs/deployment.md).
            server.data_dir.parent.mkdir(exist_ok=True)
            cluster.gongkai("reindex", server=server)
        for server in cluster.servers.values():
            cluster.start_server(server)
        for server in cluster.servers.values():
            cluster.wait_until_serving(server)
        yield cluster
    finally:
        cluster.stop_servers()
        for server in cluster.servers.values():
            print(f"--- server {server.name}\n{cluster.log(server)}")
        cluster.stop_databases()
        try:
            cluster.redis_flush()
        except Exception:
            pass
        shutil.rmtree(root, ignore_errors=True)


def test_the_test_sets_what_the_deployment_doc_sets(tmp_path):
    env = Cluster(tmp_path).env
    names = env_file_names()
    assert names <= set(env), names - set(env)
    command, unit_env = unit_command(8001, tmp_path / "srv" / "8001", env)
    assert command[:2] == [str(GUNICORN), "gongkai.wsgi"] and "127.0.0.1:8001" in command
    assert unit_env == {"GONGKAI_DATA_DIR": str(tmp_path / "srv" / "8001"),
                        "GONGKAI_SEARCH_NODE": f"{socket.gethostname()}-8001"}


def admin_session(server: Server, username: str, password: str):
    """An opener signed in to ``server``'s admin."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form_post(opener, f"{server.url}/admin/login/", {"username": username, "password": password,
                                                      "next": "/admin/"})
    assert any(c.name == "sessionid" for c in jar), "could not sign in to the admin"
    return opener


def form_post(opener, url: str, fields: dict) -> tuple[int, str]:
    status, page = get(url, opener=opener)
    assert status == 200, (url, status)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
    data = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token}).encode()
    try:
        with opener.open(urllib.request.Request(url, data=data), timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_a_document_published_through_a_is_found_on_b(cluster):
    a, b = cluster.servers["A"], cluster.servers["B"]
    word = f"gkfanout{random.randrange(10**6, 10**7)}"
    password = "multi-server-Passw0rd"
    # Set-up, in one process: a reviewer (a superuser) and a draft sent to review.
    draft = cluster.shell(
        "from django.contrib.auth.models import User\n"
        "from gongkai.catalog.models import Agency\n"
        "from gongkai.documents import workflow\n"
        "from gongkai.documents.models import Document, Status\n"
        f"u = User.objects.create_superuser('reviewer', 'r@example.gov.cn', '{password}')\n"
        f"d = Document.objects.create(title='多服务器检索测试通知 {word}',"
        " agency=Agency.objects.order_by('pk').first(), status=Status.DRAFT,"
        f" body='<p>本通知用于检验多台服务器之间的检索同步。{word}</p>')\n"
        "workflow.submit(d, user=u)\n"
        "print(d.pk)")
    assert found_on(b, word) == []

    opener = admin_session(a, "reviewer", password)
    status, _ = form_post(opener, f"{a.url}/admin/documents/document/{draft}/workflow/publish/", {})
    assert status == 200
    assert cluster.psql(cluster.primary_port, f"SELECT status FROM documents_document "
                                              f"WHERE id = {draft}", "gongkai") == "published"

    published = time.monotonic()
    while not (hits := found_on(b, word)):
        assert time.monotonic() < published + SEARCH_SECONDS, (
            f"published through A, not found on B within {SEARCH_SECONDS} s")
        time.sleep(0.2)
    assert [hit["id"] for hit in hits] == [int(draft)]
    print(f"found on B {time.monotonic() - published:.1f} s after A answered the publication")


def found_on(server: Server, word: str) -> list[dict]:
    """The hits of ``server``'s search for ``word`` (its JSON twin; see docs/search.md)."""
    status, body = get(f"{server.url}/search/?q={word}&format=json")
    assert status == 200, (status, body[:300])
    return json.loads(body)["results"]


@dataclass
class Outcome:
    server: str
    kind: str
    started: float
    ended: float
    status: int | None  # None: no HTTP response (connection refused or cut): not acknowledged
    error: str = ""


def load_run(cluster, document_ids, scenario):
    """GETs to both servers from 6 threads while ``scenario()`` runs; every request's Outcome."""
    outcomes: list[Outcome] = []
    lock = threading.Lock()
    done = threading.Event()
    words = ["通知", "工作", "政府", "街道", "公开", "规定", "2023", "年度报告"]

    def one(server: Server):
        kind = random.choices(["document", "search", "home"], weights=[6, 3, 1])[0]
        if kind == "document":
            path = f"/documents/{random.choice(document_ids)}/"
        elif kind == "search":  # a parameter of its own: not from the page cache
            path = f"/search/?q={urllib.parse.quote(random.choice(words))}&n={random.random()}"
        else:
            path = "/"
        started = time.monotonic()
        try:
            status, _ = get(server.url + path, timeout=20)
            error = ""
        except OSError as e:  # refused, reset, closed before the status line
            status, error = None, f"{type(e).__name__}: {e}"
        with lock:
            outcomes.append(Outcome(server.name, kind, started, time.monotonic(), status, error))

    def worker():
        servers = list(cluster.servers.values())
        while not done.is_set():
            one(random.choice(servers))

    with ThreadPoolExecutor(6) as pool:
        futures = [pool.submit(worker) for _ in range(6)]
        try:
            scenario()
        finally:
            done.set()
        for future in futures:
            future.result()
    return outcomes


def test_killing_the_replica_and_then_server_b_loses_nothing_acknowledged(cluster):
    a, b = cluster.servers["A"], cluster.servers["B"]
    status, body = get(f"{a.url}/api/v1/documents/?limit=40&fields=id")
    assert status == 200, body[:300]
    ids = [item["id"] for item in json.loads(body)["results"]]
    assert len(ids) >= 10
    views_before = cluster.view_total()
    moments = {}

    def scenario():
        # The servers read the primary for AFTER_WRITE_SECONDS after they see the catalogue
        # change (test (a) published): the replica is killed once they read from it.
        deadline = time.monotonic() + AFTER_WRITE_SECONDS + 5
        while time.monotonic() < deadline and not moments.get("replica_backends"):
            moments["replica_backends"] = int(cluster.psql(
                cluster.replica_port,
                "SELECT count(*) FROM pg_stat_activity WHERE datname = 'gongkai'"))
            time.sleep(0.5)
        time.sleep(1)
        moments["replica"] = time.monotonic()
        cluster.kill_replica()
        time.sleep(3.5)
        moments["B"] = time.monotonic()
        os.killpg(b.process.pid, signal.SIGKILL)
        time.sleep(3)

    outcomes = load_run(cluster, ids, scenario)
    b.process.wait(timeout=10)
    # A stops as systemctl stop would: workers finish and write what they counted.
    os.killpg(a.process.pid, signal.SIGTERM)
    a.process.wait(timeout=40)

    # The replica was read from before it died, and the servers noticed it die.
    assert moments["replica_backends"] > 0
    assert "replica replica1 failed" in cluster.log(a, lines=10**6) + cluster.log(b, lines=10**6)
    # (b) Every acknowledged request was answered 200: before, during and after the replica died.
    answered = [o for o in outcomes if o.status is not None]
    assert [o for o in answered if o.status != 200] == []
    after_replica = [o for o in answered if o.started > moments["replica"] + 0.5]
    assert {o.server for o in after_replica} == {"A", "B"}, "both servers went on serving"
    # (c) Only B's requests failed, and only those that had not been answered when it died.
    unanswered = [o for o in outcomes if o.status is None]
    assert all(o.server == "B" and o.ended >= moments["B"] for o in unanswered), unanswered[:5]
    assert any(o.server == "A" and o.started > moments["B"] + 0.5 for o in answered)

    served = [o for o in answered if o.kind == "document"]
    in_last_interval = [o for o in served if o.server == "B"
                        and moments["B"] - LOST_WINDOW_SECONDS <= o.ended <= moments["B"]]
    # In flight when B died: may have been counted without an answer (not those refused after).
    cut_off = [o for o in unanswered if o.kind == "document" and o.started < moments["B"]]
    lower = views_before + len(served) - len(in_last_interval)
    counted = cluster.flush_views(until=lower) - views_before
    print(f"{len(outcomes)} requests, {len(answered)} answered; {counted} views written of "
          f"{len(served)} document pages served, {len(in_last_interval)} by B in its last "
          f"{LOST_WINDOW_SECONDS} s, {len(cut_off)} cut off")
    assert len(served) - len(in_last_interval) <= counted <= len(served) + len(cut_off), (
        f"{counted} views written; served {len(served)} (A "
        f"{sum(o.server == 'A' for o in served)}, B {sum(o.server == 'B' for o in served)}), "
        f"{len(in_last_interval)} by B in its last {LOST_WINDOW_SECONDS} s")
