"""The demo's settings as shipped, with one difference: a fast password hasher. The servers and
commands the tests start run with these (``DEMO_SETTINGS_MODULE``, set in conftest.py).

As Django's testing docs advise ("Speeding up the tests"): PBKDF2 spends about half a second
of CPU on every hash by design, and every seeded user, Basic request and failed login pays one;
a ``make test`` spent 10 CPU-seconds or more on them. What the tests prove (a 401, the 429 that
spares further hashes, who may do what) does not depend on what a hash costs.
"""

from __future__ import annotations

from demo_project.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
