"""Bulletin behind nginx exactly as docs/deploy.md sets it up.

Debian's nginx runs deploy/nginx/bulletin.conf itself, with only its ports, certificate and
media folder replaced, in front of `bulletin serve --workers 2` in production mode. Requests
go over TLS with ``Host: news.example``, as a browser's would.
"""

from __future__ import annotations

import gzip
import http.client
import json
import os
import re
import secrets
import shutil
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from io import BytesIO
from pathlib import Path

import pytest
from axes.models import AccessAttempt

from bulletin.blogs.queries import FEED_CACHE_CONTROL
from tests.conftest import require_service
from tests.realtime.conftest import Newsroom
from tests.realtime.support import Server, free_port

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "deploy" / "nginx" / "bulletin.conf"
HOST = "news.example"
# Anything over nginx's default limit of 1 MB shows that client_max_body_size was raised.
NGINX_DEFAULT_BODY_LIMIT = 1024 * 1024
OVER_THE_LIMIT = 26 * 1024 * 1024

# The rest of an nginx.conf around the documented site (Debian's own nginx.conf does this).
MAIN_CONFIG = """\
{user}
worker_processes 1;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {prefix}/access.log;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {prefix}/bulletin.conf;
}}
"""


def nginx_binary() -> str | None:
    found = shutil.which("nginx")
    if found is None and os.access("/usr/sbin/nginx", os.X_OK):
        found = "/usr/sbin/nginx"
    return found


def site_config(upstream: int, http_port: int, https_port: int, folder: Path, media: Path) -> str:
    """The documented site with this machine's ports and paths: nothing else changes."""
    text = CONFIG.read_text()
    replacements = {
        "    listen [::]:80;\n": "",  # loopback IPv4 only in the test
        "    listen [::]:443 ssl http2;\n": "",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{upstream};",
        "/etc/letsencrypt/live/news.example/fullchain.pem": str(folder / "cert.pem"),
        "/etc/letsencrypt/live/news.example/privkey.pem": str(folder / "key.pem"),
        "/var/lib/bulletin/media/": f"{media}/",
        "/var/www/letsencrypt": str(folder / "acme"),
    }
    for old, new in replacements.items():
        assert text.count(old) == 1, f"deploy/nginx/bulletin.conf no longer has {old!r} once"
        text = text.replace(old, new)
    return text


@dataclass
class Nginx:
    folder: Path
    upstream: int
    media: Path
    http_port: int = field(default_factory=free_port)
    https_port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> Nginx:
        binary = nginx_binary()
        assert binary is not None
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi", "acme"):
            (self.folder / name).mkdir(parents=True, exist_ok=True)
        certificate = [
            *("openssl", "req", "-x509", "-nodes", "-days", "2", "-subj", f"/CN={HOST}"),
            *("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"),
            *("-addext", f"subjectAltName=DNS:{HOST}"),
            *("-keyout", str(self.folder / "key.pem"), "-out", str(self.folder / "cert.pem")),
        ]
        subprocess.run(certificate, check=True, capture_output=True, timeout=30)
        (self.folder / "bulletin.conf").write_text(
            site_config(self.upstream, self.http_port, self.https_port, self.folder, self.media)
        )
        # Started as root, nginx's workers would switch to nobody, who may not read the
        # test's private folders; as anyone else the directive does not apply.
        user = "user root root;" if os.geteuid() == 0 else ""
        (self.folder / "nginx.conf").write_text(MAIN_CONFIG.format(user=user, prefix=self.folder))
        command = [binary, "-p", str(self.folder), "-c", str(self.folder / "nginx.conf")]
        self.process = subprocess.Popen(
            [*command, "-e", str(self.folder / "error.log")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                log = (self.folder / "error.log").read_text(errors="replace")
                raise RuntimeError(f"nginx exited with {self.process.returncode}:\n{log}")
            try:
                socket.create_connection(("127.0.0.1", self.https_port), timeout=0.5).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("nginx did not listen in time")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)

    def connect(
        self, source: str = "127.0.0.1", timeout: float = 10
    ) -> http.client.HTTPSConnection:
        context = ssl.create_default_context(cafile=str(self.folder / "cert.pem"))
        context.check_hostname = False  # we dial 127.0.0.1; the certificate names news.example
        return http.client.HTTPSConnection(
            "127.0.0.1",
            self.https_port,
            context=context,
            timeout=timeout,
            source_address=(source, 0),
        )


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def text(self) -> str:
        if self.headers.get("Content-Encoding") == "gzip":
            return gzip.decompress(self.body).decode()
        return self.body.decode()


@dataclass
class Stack:
    nginx: Nginx
    server: Server
    newsroom: Newsroom

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        source: str = "127.0.0.1",
    ) -> Reply:
        connection = self.nginx.connect(source)
        try:
            connection.request(method, path, body=body, headers={"Host": HOST, **(headers or {})})
            response = connection.getresponse()
            return Reply(response.status, response.headers, response.read())
        finally:
            connection.close()

    def api(self, method: str, path: str, body: bytes, content_type: str) -> Reply:
        headers = {"Authorization": f"Bearer {self.newsroom.token}", "Content-Type": content_type}
        return self.request(method, f"/api/v1/blogs/{self.newsroom.blog.slug}{path}", body, headers)


@pytest.fixture
def stack(newsroom: Newsroom, serve, tmp_path: Path) -> Iterator[Stack]:
    require_service("nginx", lambda: nginx_binary() is not None, "apt-get install nginx-light")
    require_service(
        "openssl", lambda: shutil.which("openssl") is not None, "apt-get install openssl"
    )
    data = tmp_path / "data"
    server = serve(
        workers=2,
        mode="production",
        secret_key=secrets.token_urlsafe(48),
        site_url=f"https://{HOST}",
        allowed_hosts=HOST,
        csrf_trusted_origins=f"https://{HOST}",
        trusted_proxy_count="1",
        data_dir=str(data),
        # Polling the change log works on both passes (SQLite and PostgreSQL) without sharing
        # a Redis channel with other test runs.
        broker="dbtail",
        dbtail_interval_ms="100",
    )
    nginx = Nginx(tmp_path / "nginx", server.port, data / "media").start()
    try:
        yield Stack(nginx, server, newsroom)
    finally:
        nginx.stop()


def test_readers_get_cacheable_pages_and_unbuffered_live_events_through_nginx(stack: Stack):
    slug = stack.newsroom.blog.slug
    plain = http.client.HTTPConnection("127.0.0.1", stack.nginx.http_port, timeout=10)
    plain.request("GET", f"/live/{slug}", headers={"Host": HOST})
    redirect = plain.getresponse()
    assert (redirect.status, redirect.getheader("Location")) == (301, f"https://{HOST}/live/{slug}")
    plain.close()

    page = stack.request("GET", f"/live/{slug}", headers={"Accept-Encoding": "gzip"})
    assert page.status == 200
    assert stack.newsroom.blog.title in page.text()
    assert page.headers["Content-Encoding"] == "gzip"
    assert page.headers["Cache-Control"] == FEED_CACHE_CONTROL
    assert "Accept-Encoding" in page.headers["Vary"]
    etag = page.headers["ETag"]  # nginx weakens it when it compresses: W/"<seq>"
    again = stack.request("GET", f"/live/{slug}", headers={"If-None-Match": etag})
    assert again.status == 304

    changes = stack.request("GET", f"/live/{slug}/changes?since=0")
    assert changes.status == 200
    assert changes.headers["Cache-Control"] == FEED_CACHE_CONTROL
    unchanged = stack.request(
        "GET", f"/live/{slug}/changes?since=0", headers={"If-None-Match": changes.headers["ETag"]}
    )
    assert unchanged.status == 304

    script = stack.request("GET", "/static/reader/follow.js", headers={"Accept-Encoding": "gzip"})
    assert script.status == 200
    assert script.headers["Cache-Control"] == "max-age=300, public"  # WhiteNoise's, kept
    assert "EventSource" in script.text()

    stream = stack.nginx.connect()
    stream.request(
        "GET",
        f"/live/{slug}/events",
        headers={"Host": HOST, "Accept": "text/event-stream", "Accept-Encoding": "gzip"},
    )
    events = stream.getresponse()
    assert events.status == 200
    assert events.getheader("Content-Type", "").startswith("text/event-stream")
    assert events.getheader("Content-Encoding") is None
    received = events.read1(65536)
    assert b"retry:" in received

    sent_at = time.monotonic()
    entry = json.dumps({"headline": "Through nginx"}).encode()
    published = stack.api("POST", "/entries", entry, "application/json")
    assert published.status == 201, published.body
    assert stream.sock is not None
    stream.sock.settimeout(5)
    while b"Through nginx" not in received and time.monotonic() - sent_at < 5:
        received += events.read1(65536)
    took = time.monotonic() - sent_at
    stream.close()
    assert b"event: entry" in received
    assert b"Through nginx" in received
    print(f"\nan entry published through nginx reached a reader through nginx in {took:.3f}s")


def _jpeg_over(size: int) -> bytes:
    from PIL import Image

    width, height = 1200, 900
    noise = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    out = BytesIO()
    noise.save(out, "JPEG", quality=95)
    data = out.getvalue()
    assert len(data) > size, f"the test image is only {len(data)} bytes"
    return data


def _multipart(field_name: str, filename: str, data: bytes, kind: str) -> tuple[bytes, str]:
    boundary = secrets.token_hex(16)
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="{field_name}"; '
        f'filename="{filename}"\r\nContent-Type: {kind}\r\n\r\n'
    ).encode()
    return (
        head + data + f"\r\n--{boundary}--\r\n".encode(),
        f"multipart/form-data; boundary={boundary}",
    )


def test_uploads_pass_media_comes_from_nginx_and_the_client_address_is_forwarded(stack: Stack):
    image = _jpeg_over(NGINX_DEFAULT_BODY_LIMIT)
    body, content_type = _multipart("file", "harbour.jpg", image, "image/jpeg")
    uploaded = stack.api("POST", "/media", body, content_type)
    assert uploaded.status == 201, uploaded.body
    url = json.loads(uploaded.body)["url"]
    path = url[url.index("/media/") :]
    served = stack.request("GET", path)
    assert served.status == 200
    assert served.headers["Cache-Control"] == "public, max-age=31536000, immutable"  # nginx's
    assert served.body == (stack.nginx.media / path.removeprefix("/media/")).read_bytes()

    too_big = stack.nginx.connect()
    too_big.putrequest("POST", f"/api/v1/blogs/{stack.newsroom.blog.slug}/media", skip_host=True)
    for name, value in (("Host", HOST), ("Content-Type", content_type)):
        too_big.putheader(name, value)
    too_big.putheader("Content-Length", str(OVER_THE_LIMIT))
    too_big.endheaders()
    assert too_big.getresponse().status == 413  # refused by nginx before any byte is sent
    too_big.close()

    # A sign-in from 127.0.0.2 that forges its own X-Forwarded-For: nginx appends the address
    # it saw, and Bulletin (one trusted proxy) counts the failure against that address.
    form = stack.request("GET", "/desk/login/", source="127.0.0.2")
    assert form.status == 200
    cookie = SimpleCookie(form.headers["Set-Cookie"])["csrftoken"].value
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text())
    assert token is not None
    fields = f"csrfmiddlewaretoken={token.group(1)}&username=someone-afar&password=wrong-guess-1"
    refused = stack.request(
        "POST",
        "/desk/login/",
        fields.encode(),
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookie}",
            "Origin": f"https://{HOST}",
            "X-Forwarded-For": "198.51.100.7",
        },
        source="127.0.0.2",
    )
    assert refused.status == 200  # the form again, with its error
    attempts = list(AccessAttempt.objects.filter(username="someone-afar"))
    assert [attempt.ip_address for attempt in attempts] == ["127.0.0.2"]


def _image_upload(alt: str) -> tuple[bytes, str]:
    """A multipart body with a 1000-pixel-wide PNG (three srcset variants) and its alt text."""
    from PIL import Image

    picture = BytesIO()
    Image.new("RGB", (1000, 600), "teal").save(picture, "PNG")
    boundary = secrets.token_hex(16)
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="alt"\r\n\r\n{alt}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="wall.png"\r\n'
        "Content-Type: image/png\r\n\r\n"
    ).encode()
    body += picture.getvalue() + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def _published_image(stack: Stack, headline: str) -> tuple[int, list[str]]:
    """Upload an image, publish an entry showing it; the entry's id and the image's paths."""
    body, content_type = _image_upload("The harbour wall")
    uploaded = stack.api("POST", "/media", body, content_type)
    assert uploaded.status == 201, uploaded.body
    image = json.loads(uploaded.body)
    paths = [image["url"], *(part.split()[0] for part in image["srcset"].split(", "))]
    paths = [url[url.index("/media/") :] for url in paths]
    assert len(paths) == 4  # the original and three variants
    entry = json.dumps({"headline": headline, "image_id": image["id"]}).encode()
    published = stack.api("POST", "/entries", entry, "application/json")
    assert published.status == 201, published.body
    return int(json.loads(published.body)["id"]), paths


def _image_statuses(stack: Stack, paths: list[str]) -> list[int]:
    return [stack.request("GET", path).status for path in paths]


def test_nginx_stops_serving_the_images_of_deleted_and_taken_down_entries(stack: Stack):
    deleted, deleted_paths = _published_image(stack, "Deleted later")
    taken, taken_paths = _published_image(stack, "Taken down later")
    assert _image_statuses(stack, deleted_paths + taken_paths) == [200] * 8

    gone = stack.api("DELETE", f"/entries/{deleted}", b"", "application/json")
    assert gone.status == 204, gone.body
    reason = json.dumps({"reason": "Court order 2026/114"}).encode()
    down = stack.api("POST", f"/entries/{taken}/takedown", reason, "application/json")
    assert down.status == 200, down.body

    # The files leave the media folder after commit, in the worker that made the change.
    deadline = time.monotonic() + 5
    while _image_statuses(stack, deleted_paths + taken_paths) != [404] * 8:
        assert time.monotonic() < deadline, _image_statuses(stack, deleted_paths + taken_paths)
        time.sleep(0.1)
    media = stack.nginx.media
    withheld = media.parent / "withheld-media"
    assert all((withheld / path.removeprefix("/media/")).is_file() for path in deleted_paths)
    assert not any((withheld / path.removeprefix("/media/")).exists() for path in taken_paths)
