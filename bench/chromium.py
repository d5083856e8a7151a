"""Debian's Chromium as the browser tests and the benchmark start it (no browser download)."""

import os
import shutil

# Headless in a sandboxed machine: no GPU, no background calls out (the network is closed), and
# no reliance on /dev/shm, which containers often give only 64 MB (Chromium's renderers then stall).
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def chromium_path() -> str | None:
    for candidate in (
        os.environ.get("CHROMIUM_PATH", ""),
        "/usr/bin/chromium",
        shutil.which("chromium") or "",
    ):
        if candidate and os.path.exists(candidate):
            return candidate
    return None
