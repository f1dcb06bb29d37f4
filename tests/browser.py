"""Headless Chromium for the browser tests (Debian's `chromium` and `chromium-driver`, driven by Selenium),
and the pages served on loopback by Uvicorn in a thread.

Selenium Manager never runs: the driver is `/usr/bin/chromedriver` (or $CHROMEDRIVER) and the browser
`/usr/bin/chromium` (or $CHROMIUM); when either is missing the test fails saying how to install it.
Chromium resolves no host name but 127.0.0.1 (`--host-resolver-rules`), so a page that reached for the
network (a CDN, a font, a remote completion service) would break visibly: the server must work offline.
Also: an app of the pages alone around any dataset, and a GET that shows redirects instead of following them.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

INSTALL_HINT = (
    "headless Chromium is missing: run scripts/install-test-deps (it installs Debian's chromium and "
    "chromium-driver, listed in scripts/system-packages.txt)"
)
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
    "--window-size=1280,900",
)


def chromium_paths() -> tuple[str, str]:
    """The browser and its driver, or AssertionError naming the install script."""
    browser = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    driver = os.environ.get("CHROMEDRIVER") or shutil.which("chromedriver") or "/usr/bin/chromedriver"
    missing = [p for p in (browser, driver) if not Path(p).is_file()]
    if missing:
        raise AssertionError(f"{INSTALL_HINT} (not found: {', '.join(missing)})")
    return browser, driver


@contextlib.contextmanager
def chromium(width: int = 1280, height: int = 900) -> Iterator[object]:
    """A headless Chromium WebDriver with a fresh profile, quit and removed afterwards."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ModuleNotFoundError as exc:  # pragma: no cover - the test extras install it
        raise AssertionError("selenium is missing: pip install '.[test]'") from exc
    browser, driver_path = chromium_paths()
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager, should it ever run, fetches nothing
    profile = tempfile.mkdtemp(prefix="alaska-kg-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--window-size={width},{height}")
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=driver_path)
    driver = webdriver.Chrome(service=service, options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def sentence_of(article: str, start_words: str) -> str:
    """The article's sentence (within its line) that starts with `start_words`."""
    for line in article.splitlines():
        at = line.find(start_words)
        if at >= 0:
            rest = line[at:]
            end = re.search(r"[.!?][\"”]?(?=\s|$)", rest)
            return rest[: end.end()] if end else rest
    raise AssertionError(f"not in the article: {start_words}")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # urllib's signature: return None to not follow
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def get(url: str, accept: str | None = None) -> tuple[int, dict[str, str], str]:
    """One GET, redirects not followed: status, headers (lower-case names), body."""
    request = urllib.request.Request(url, headers={"Accept": accept} if accept is not None else {})
    try:
        with _OPENER.open(request, timeout=30) as response:
            return (
                response.status,
                {k.lower(): v for k, v in response.headers.items()},
                response.read().decode(),
            )
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read().decode()


def pages_app(dataset, layout):  # -> starlette.applications.Starlette
    """The app `alaska-kg serve` runs (pages, endpoint, middleware), serving `dataset`."""
    from alaska_kg.serve.app import make_app
    from alaska_kg.serve.state import ServeState

    return make_app(ServeState(dataset, layout))
