"""gunicorn settings for ``make run`` and production (docs/deployment.md).

Every value can be overridden from the environment (GUNICORN_* below) or the command line.
"""

import multiprocessing
import os

from gunicorn.http import wsgi as _wsgi

bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '5000')}")
workers = int(os.environ.get("GUNICORN_WORKERS", min(4, multiprocessing.cpu_count() * 2 + 1)))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 20
keepalive = 5
# Long reports and imports are the only slow requests; a worker that grows is recycled.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
errorlog = "-"
# X-Forwarded-Proto is believed only from these addresses (nginx on the same machine by default);
# the application's own ProxyFix (TRACKER_PROXY_HOPS) reads the rest of X-Forwarded-*.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "tracker-web"

# No server banner: gunicorn writes "Server: gunicorn" itself, outside the application's reach.
_default_headers = _wsgi.Response.default_headers


def _headers_without_server(self):
    return [h for h in _default_headers(self) if not h.lower().startswith("server:")]


_wsgi.Response.default_headers = _headers_without_server
