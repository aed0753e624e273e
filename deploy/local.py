"""Run the production set-up of deploy/ on loopback: nginx (TLS, a throwaway self-signed
certificate) in front of `directory serve`, on free ports, everything in a temporary folder.

    python deploy/local.py          # serve until Ctrl+C (make try-locally)

tests/test_deploy.py and bench/abuse.py use `LocalSite` the same way.  The nginx site is
deploy/nginx/directory.conf itself, with only its addresses and paths replaced (each
replacement must match, so the file and this script cannot drift apart).
"""

import os
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

DEPLOY = Path(__file__).resolve().parent
ROOT = DEPLOY.parent


def free_port():
    """A TCP port on 127.0.0.1 nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _replace(text, replacements):
    for old, new in replacements.items():
        if old not in text:
            raise ValueError(f"{old!r} is no longer in the nginx configuration")
        text = text.replace(old, new)
    return text


class LocalSite:
    """The site on loopback, behind nginx (nginx=True) or as `directory serve` alone."""

    def __init__(self, environment, nginx=True, serve_options=()):
        self.environment = {**os.environ, "DIRECTORY_SECRET_KEY": secrets.token_hex(32),
                            **environment}
        self.nginx = nginx
        self.serve_options = list(serve_options)
        self.folder = None
        self.processes = []

    # Addresses ------------------------------------------------------------------------
    @property
    def url(self):
        """Where clients go: https://127.0.0.1:port behind nginx, else gunicorn's http."""
        return (f"https://127.0.0.1:{self.https_port}" if self.nginx
                else f"http://127.0.0.1:{self.app_port}")

    def ssl_context(self):
        """A client context that trusts the throwaway certificate (and nothing else)."""
        return ssl.create_default_context(cafile=str(self.folder / "cert.pem"))

    def slow_client(self, path, stop, held=None):
        """The slow-client attack, until stop is set: a request's header sent one line every
        5 s, reconnecting whenever the server closes; each connection made is added to held."""
        port = self.https_port if self.nginx else self.app_port
        while not stop.is_set():
            try:
                raw = socket.create_connection(("127.0.0.1", port), timeout=10)
                sock = self.ssl_context().wrap_socket(raw, server_hostname="127.0.0.1") if self.nginx else raw
                with sock:
                    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode())
                    if held is not None:
                        held.append(1)
                    number = 0
                    while not stop.wait(5):
                        number += 1
                        sock.sendall(f"X-Slow-{number}: aaaa\r\n".encode())
            except OSError:
                stop.wait(0.5)

    def get(self, path, timeout=10):
        """(status, headers, body) of GET path, refusing to follow redirects."""
        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        handlers = [NoRedirect()]
        if self.nginx:
            handlers.append(urllib.request.HTTPSHandler(context=self.ssl_context()))
        opener = urllib.request.build_opener(*handlers)
        try:
            with opener.open(self.url + path, timeout=timeout) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.headers, error.read()

    # Starting and stopping ------------------------------------------------------------
    def start(self, timeout=60):
        self.folder = Path(tempfile.mkdtemp(prefix="directory-deploy-"))
        self.app_port = free_port()
        site_url = f"http://127.0.0.1:{self.app_port}"
        if self.nginx:
            self.http_port, self.https_port = free_port(), free_port()
            site_url = f"https://127.0.0.1:{self.https_port}"
            self.environment.update(DIRECTORY_PROXY_HOPS="1", DIRECTORY_URL_SCHEME="https")
        self.environment.setdefault("DIRECTORY_SITE_URL", site_url)
        log = open(self.folder / "serve.log", "w")
        self.processes.append(subprocess.Popen(
            [sys.executable, "-m", "directory.cli", "serve", "--host", "127.0.0.1",
             "--port", str(self.app_port), *self.serve_options],
            env=self.environment, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True))
        log.close()
        try:
            if self.nginx:
                self._start_nginx()
            self._wait(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def _start_nginx(self):
        folder = self.folder
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                        "-nodes", "-days", "2",
                        "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem"),
                        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                       check=True, capture_output=True)
        static = Path(self.environment.get("DIRECTORY_STATIC_DIR", ROOT / "static" / "build"))
        shutil.copy(DEPLOY / "nginx" / "security-headers.conf", folder / "security-headers.conf")
        shutil.copy(DEPLOY / "nginx" / "proxy.conf", folder / "proxy.conf")
        site = _replace((DEPLOY / "nginx" / "directory.conf").read_text(), {
            "listen 80;": f"listen 127.0.0.1:{self.http_port};",
            "    listen [::]:80;\n": "",
            "listen 443 ssl http2;": f"listen 127.0.0.1:{self.https_port} ssl http2;",
            "    listen [::]:443 ssl http2;\n": "",
            "return 301 https://$host$request_uri;": f"return 301 https://$host:{self.https_port}$request_uri;",
            "server unix:/run/directory/gunicorn.sock": f"server 127.0.0.1:{self.app_port}",
            "/etc/ssl/directory/fullchain.pem": str(folder / "cert.pem"),
            "/etc/ssl/directory/privkey.pem": str(folder / "key.pem"),
            "/srv/directory/static/build/": f"{static}/",
            "/etc/nginx/snippets/directory-security-headers.conf": str(folder / "security-headers.conf"),
            "/etc/nginx/snippets/directory-proxy.conf": str(folder / "proxy.conf"),
        })
        (folder / "site.conf").write_text(site)
        temporary = "\n".join(f"    {kind}_temp_path {folder / kind};"
                              for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        (folder / "nginx.conf").write_text(f"""{'user root;' if os.geteuid() == 0 else ''}
worker_processes 1;
daemon off;
pid {folder / 'nginx.pid'};
error_log {folder / 'error.log'} warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    server_tokens off;
{temporary}
    include {folder / 'site.conf'};
}}
""")
        test = subprocess.run(["nginx", "-t", "-p", str(folder), "-c", str(folder / "nginx.conf")],
                              capture_output=True, text=True)
        if test.returncode:
            raise RuntimeError(f"nginx refused the configuration: {test.stderr}")
        self.processes.append(subprocess.Popen(
            ["nginx", "-p", str(folder), "-c", str(folder / "nginx.conf")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True))

    def _wait(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for process in self.processes:
                if process.poll() is not None:
                    raise RuntimeError(f"{process.args[0]} stopped: see {self.folder}/serve.log:\n"
                                       + self.log())
            try:
                if self.get("/healthz", timeout=2)[0] in (200, 503):
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"the site did not answer in {timeout} s:\n{self.log()}")

    def log(self, tail=4000):
        """What `directory serve` (gunicorn and the pack worker) wrote (its last tail characters)."""
        try:
            return (self.folder / "serve.log").read_text(errors="replace")[-(tail or 0):]
        except OSError:
            return ""

    def stop(self):
        for process in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)   # nginx: fast shutdown; serve: stops both
        for process in reversed(self.processes):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.processes = []
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def prepare_instance(folder, environment=None):
    """Migrate the database and build the search index in an instance folder."""
    environment = {**os.environ, **(environment or {}), "DIRECTORY_INSTANCE_DIR": str(folder)}
    for command in (["db", "upgrade"], ["index"]):
        subprocess.run([sys.executable, "-m", "directory.cli", *command], env=environment,
                       cwd=ROOT, check=True, capture_output=True)
    return environment


def main():
    """Serve the site behind nginx on loopback until Ctrl+C."""
    instance = Path(tempfile.mkdtemp(prefix="directory-instance-"))
    try:
        environment = prepare_instance(instance)
        with LocalSite(environment) as site:
            print(f"nginx + gunicorn on loopback: {site.url}/ (self-signed certificate "
                  f"{site.folder / 'cert.pem'}); Ctrl+C to stop")
            try:
                signal.pause()
            except KeyboardInterrupt:
                pass
    finally:
        shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    main()
