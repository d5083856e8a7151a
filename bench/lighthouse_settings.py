"""bench.settings with the static files as production serves them: hashed names and compressed
(WhiteNoise's CompressedManifestStaticFilesStorage), for Lighthouse (bench/lighthouse.py)."""

from bench.settings import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
