"""Settings for the benchmark: the real settings, served as in production minus HTTPS and the static manifest.

The static manifest (``collectstatic``) only maps file names; the plain storage keeps the benchmark independent of
a collected ``staticfiles/`` without changing what a page costs. ``testserver`` is the Django test client's host.
"""

import os

os.environ.setdefault("HTTPS", "0")
os.environ.setdefault("DEBUG", "0")

from config.settings import *  # noqa: F403
from config.settings import ALLOWED_HOSTS, STORAGES

ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
