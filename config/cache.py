"""A Redis cache that fails soft: while Redis is down or frozen, reads miss and writes are dropped.

Everything the app keeps in the cache can be computed again from the database, so an unreachable
Redis must cost speed, never a page. Django's RedisCache raises on every error; this one logs it,
answers as a miss, and then leaves Redis alone for `FAIL_SECONDS` (a small circuit breaker), so
pages stay fast during an outage instead of each waiting for a time-out. After that pause the next
call tries Redis again; when it answers, everything is back to normal by itself.

Writes answer whether they reached Redis (True/False), so a caller whose correctness depends on a
write (access/scope.py: making cached scopes stale) can tell.
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# One breaker per Redis location, shared by the threads of a process (Django gives each thread its
# own cache object).
_down_until: dict[str, float] = {}
_lock = threading.Lock()


class FailSoftRedisCache(RedisCache):
    def __init__(self, server, params):
        params = {**params, "OPTIONS": dict(params.get("OPTIONS", {}))}
        self.fail_seconds = float(params["OPTIONS"].pop("FAIL_SECONDS", 5))
        super().__init__(server, params)
        self._location = server if isinstance(server, str) else ",".join(server)

    def is_available(self) -> bool:
        """False while the breaker is open after an error."""
        return _down_until.get(self._location, 0.0) <= time.monotonic()

    def _call(self, operation: str, default, method, *args, **kwargs):
        if not self.is_available():
            return default
        try:
            return method(*args, **kwargs)
        except RedisError as error:
            with _lock:
                already_down = not self.is_available()
                _down_until[self._location] = time.monotonic() + self.fail_seconds
            if not already_down:
                logger.warning(
                    "Cache unavailable (%s on %s: %s); using the database for %.0f s",
                    error.__class__.__name__,
                    operation,
                    error,
                    self.fail_seconds,
                )
            return default

    def get(self, key, default=None, version=None):
        return self._call("get", default, super().get, key, default, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, super().has_key, key, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", False, super().add, key, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        def set_and_confirm():
            super(FailSoftRedisCache, self).set(key, value, timeout, version)
            return True

        return self._call("set", False, set_and_confirm)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        # Django's contract: the keys that failed to be set.
        return self._call("set_many", list(data), super().set_many, data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", False, super().delete, key, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", None, super().delete_many, keys, version)

    def incr(self, key, delta=1, version=None):
        # A missing key raises ValueError as in Django; an unreachable Redis raises it too, since
        # there is no value to answer with.
        result = self._call("incr", None, super().incr, key, delta, version)
        if result is None:
            raise ValueError(f"Key '{key}' not found (cache unavailable)")
        return result

    def clear(self):
        return self._call("clear", False, super().clear)


def redis_cache_settings(redis_url: str) -> dict:
    """The CACHES entry for a Redis URL, as production uses it (tests build theirs with it too)."""
    return {
        "BACKEND": "config.cache.FailSoftRedisCache",
        "LOCATION": redis_url,
        "OPTIONS": {
            # A frozen Redis must not hold a worker: connect and answer within a quarter second.
            "socket_connect_timeout": 0.25,
            "socket_timeout": 0.25,
            "FAIL_SECONDS": 5,
        },
    }
