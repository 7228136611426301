"""Settings of bench/study.py: the benchmark settings (bench/settings_bench.py) plus the ``bench:<pk>``
study-content provider (bench/points_content.py), and the loopback host gunicorn is reached on."""

from bench.settings_bench import *  # noqa: F403
from bench.settings_bench import ALLOWED_HOSTS, INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench.points_content.BenchContentConfig"]
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "127.0.0.1", "localhost"]
BENCH_CONTENT = True
