"""The browser tier: the real server (uvicorn) and a real Celery worker on PostgreSQL and Redis,
driven by Playwright in Debian's Chromium. `check_page` runs axe-core (WCAG 2.2 AA) at phone and
desktop width and saves a screenshot at each."""

from __future__ import annotations

import os
import re
import shutil
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, sync_playwright

from api.accounts import User, add_user, service_metadata
from api.main import create_app
from api.roles import Role
from tests.integration.services import free_port, require_service, wait_until
from workers.runtime import Runtime
from workers.settings import Settings

CHROMIUM = os.environ.get("LAC_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "browser-password-123"
SCREENSHOTS = Path(os.environ.get("LAC_SCREENSHOT_DIR", "var/screenshots")).resolve()
PHONE = {"width": 360, "height": 800}
DESKTOP = {"width": 1280, "height": 900}
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Usernames by role; the coordinator works in Mansfield, where the tests' people live.
USERNAMES = {
    Role.COORDINATOR: "coordinator.mansfield",
    Role.SOCIAL_WORKER: "social.worker",
    Role.DEVICE_OFFICER: "device.officer",
    Role.EVALUATOR: "evaluator",
    Role.ADMIN: "admin",
}
NAMES = {
    Role.COORDINATOR: "Cara Coordinator",
    Role.SOCIAL_WORKER: "Sam Social Worker",
    Role.DEVICE_OFFICER: "Dev Officer",
    Role.EVALUATOR: "Eve Evaluator",
    Role.ADMIN: "Ada Admin",
}


@dataclass
class Site:
    """The product running for real, and a browser to use it with."""

    base_url: str
    runtime: Runtime
    users: dict[Role, User]
    browser: Browser

    def page_as(self, role: Role) -> Page:
        """A fresh browser context signed in through the sign-in page as that role."""
        context = self.browser.new_context(viewport=DESKTOP, base_url=self.base_url)
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.goto("/app/sign-in")
        page.get_by_label("Username").fill(USERNAMES[role])
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(re.compile(r"/app/(?!sign-in)"))
        return page


def check_page(page: Page, name: str) -> list[Path]:
    """axe-core finds no WCAG 2.2 AA violation at phone or desktop width; a full-page
    screenshot is saved at each width as SCREENSHOTS/<name>-phone.png and -desktop.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []
    original = page.viewport_size or DESKTOP
    try:
        for width_name, size in (("phone", PHONE), ("desktop", DESKTOP)):
            page.set_viewport_size(size)
            path = SCREENSHOTS / f"{name}-{width_name}.png"
            page.screenshot(path=str(path), full_page=True)  # first: to look at if it fails
            saved.append(path)
            results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
            assert results.violations_count == 0, (
                f"{name} at {width_name} width: {results.generate_report()}"
            )
            _no_sideways_scroll(page, name, width_name)
    finally:
        page.set_viewport_size({"width": original["width"], "height": original["height"]})
    return saved


def _no_sideways_scroll(page: Page, name: str, width_name: str) -> None:
    """WCAG 1.4.10 reflow: at 360 px nothing but a wide table (in its own scroller) may make
    the page scroll sideways."""
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    if overflow > 1:
        wide = page.evaluate(WIDEST)
        raise AssertionError(
            f"{name} at {width_name} width scrolls sideways by {overflow}px: {wide}"
        )


# The elements that reach past the right edge outside any scroller of their own (to say what
# to fix).
WIDEST = """() => {
    const clipped = e => {
        for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
            if (['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(a).overflowX)) {
                return true;
            }
        }
        return false;
    };
    return [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !clipped(e))
        .slice(0, 8)
        .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + '.' + e.className
             + ' right=' + Math.round(e.getBoundingClientRect().right));
}"""


@contextmanager
def chromium() -> Iterator[Browser]:
    if shutil.which(CHROMIUM) is None and not Path(CHROMIUM).exists():
        require_service("Chromium (apt-get install chromium)", FileNotFoundError(CHROMIUM))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def served(settings: Settings) -> Iterator[str]:
    """The app behind a real uvicorn in a thread, as `lac serve` runs it."""
    port = free_port()
    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=port, log_level="warning", access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    wait_until(lambda: server.started, 30, "the server to start")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(20)


def site_settings(database_url: str, redis_url: str, data_dir: Path) -> Settings:
    return Settings(
        database_url=database_url,
        redis_url=redis_url,
        queue=f"lac-browser-{uuid.uuid4().hex[:8]}",
        data_dir=data_dir,
        secret_key="browser-secret-" + "x" * 30,
        sweep_seconds=1.0,
        imd_file=_env_path("LAC_IMD_FILE"),
        population_file=_env_path("LAC_POPULATION_FILE"),
    )


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name)
    return Path(value) if value else None


def add_users(runtime: Runtime) -> dict[Role, User]:
    service_metadata.create_all(runtime.engine)
    return {
        role: add_user(
            runtime.engine,
            USERNAMES[role],
            NAMES[role],
            role,
            PASSWORD,
            "Mansfield" if role is Role.COORDINATOR else None,
        )
        for role in Role
    }
