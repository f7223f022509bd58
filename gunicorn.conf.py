"""gunicorn settings for Compostela (``gunicorn -c gunicorn.conf.py compostela.wsgi``).

Everything can be changed from the environment without editing this file:
GUNICORN_BIND (default 127.0.0.1:8000; behind a proxy on another machine use 0.0.0.0:8000),
GUNICORN_WORKERS (default 2 × CPUs + 1), GUNICORN_THREADS (default 1), GUNICORN_TIMEOUT (seconds, default 60:
the billing PDFs of a month are the slowest request), GUNICORN_MAX_REQUESTS (recycle a worker after this many
requests, default 1000, with jitter).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = max_requests // 10
preload_app = True  # import Django once; workers fork from it
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None  # empty: no access log (load test)
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Behind a reverse proxy that sets X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER in settings): trust it from
# the proxy's address only.  Comma-separated, default loopback.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
