"""Browser tests: Debian's Chromium driven by Playwright against a live test server.

The browser is never downloaded: Playwright launches /usr/bin/chromium (``make browser``
installs Debian's package). Where it is missing the tests are skipped, except in CI, where a
missing browser is a failure.
"""

import json
import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make around
# it are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing: run `make browser` (Debian's chromium package).")
        pytest.skip("Chromium is not installed (make browser installs Debian's package).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# Where a page's problems come from: console errors (Chromium logs CSP refusals there too, even
# with JavaScript off), uncaught exceptions, and the securitypolicyviolation events. The
# listener is an init script and the report a binding: both go through the DevTools protocol,
# so the page's own CSP does not apply to them, and the binding outlives navigations.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__reportCspViolation(
    `CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline"}` +
    ` at ${event.sourceFile || document.location.href}:${event.lineNumber}`
  );
});
"""


@pytest.fixture
def new_page(browser):
    """Make a page in a fresh browser context (its own cookies), e.g. a second person or a
    phone: ``new_page(viewport={"width": 390, "height": 844})``. Every page collects its
    problems in ``page.problems``; a test whose pages logged any fails at teardown too."""
    contexts = []
    pages = []

    def make(**options):
        options.setdefault("viewport", {"width": 1280, "height": 900})
        # Bootstrap scrolls smoothly unless the reader prefers reduced motion; Playwright
        # then waits for every scroll to settle before a click (seconds on a long thread).
        options.setdefault("reduced_motion", "reduce")
        context = browser.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        page.problems = []
        context.expose_binding(
            "__reportCspViolation", lambda _source, text: page.problems.append(text)
        )
        context.add_init_script(CSP_LISTENER)
        page.on(
            "console",
            lambda message: message.type == "error" and page.problems.append(message.text),
        )
        page.on("pageerror", lambda error: page.problems.append(f"page error: {error}"))
        pages.append(page)
        return page

    yield make
    problems = [problem for page in pages for problem in page.problems]
    for context in contexts:
        context.close()
    assert problems == [], "console errors or CSP violations on the pages of this test"


@pytest.fixture
def page(new_page):
    """A fresh browser context and page; console errors and CSP violations are collected."""
    return new_page()


def assert_no_problems(page) -> None:
    """No console error, uncaught exception or CSP violation on any page this tab showed."""
    assert page.problems == [], page.problems


# axe-core, from npm (package.json's devDependencies; `npm ci` installs it).
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.2 AA (with the 2.0 and 2.1 rules it includes) and axe's best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
BLOCKING_IMPACTS = {"serious", "critical"}


def axe_results(page, *, context: str | None = None) -> dict:
    """Run axe-core on the page as it is now: its violations, and what it could not decide
    ("incomplete": left for a person to check).

    add_script_tag would insert an inline <script>, which the site's CSP (rightly) refuses;
    page.evaluate runs the library through the DevTools protocol instead, outside the CSP.
    """
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail("axe-core is missing: run `npm ci`.")
        pytest.skip("axe-core is not installed (npm ci installs it).")
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    return page.evaluate(
        """([context, tags]) => {
            const summary = (results) => results.map((v) => ({
                id: v.id,
                impact: v.impact,
                help: v.help,
                nodes: v.nodes.map((n) => n.target.join(" ") + " :: " + n.failureSummary),
            }));
            return axe.run(context ? document.querySelector(context) : document, {
                runOnly: {type: "tag", values: tags},
                resultTypes: ["violations", "incomplete"],
            }).then((r) => ({
                violations: summary(r.violations),
                incomplete: summary(r.incomplete),
            }));
        }""",
        [context, AXE_TAGS],
    )


def assert_accessible(page, name: str, *, context: str | None = None) -> list[dict]:
    """No serious or critical axe violation. The lesser ones are returned, and written with
    the undecided checks to test-artifacts/axe-<name>.json for the README's list."""
    results = axe_results(page, context=context)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"axe-{name}.json").write_text(json.dumps(results, indent=2))
    violations = results["violations"]
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    assert blocking == [], json.dumps(blocking, indent=2)
    # axe only flags a repeated id as "needs review"; a repeated id breaks label-for and
    # aria-describedby, so it fails here.
    repeated = page.evaluate(
        """() => {
            const seen = new Map();
            for (const el of document.querySelectorAll("[id]")) {
                seen.set(el.id, (seen.get(el.id) || 0) + 1);
            }
            return [...seen].filter(([, count]) => count > 1).map(([id]) => id);
        }"""
    )
    assert repeated == [], f"ids used more than once: {repeated}"
    return violations


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


PASSWORD = "a long test passphrase"


def make_moderator(username: str = "mod"):
    """A user in the Moderators group. Transactional tests flush the rows the migrations made,
    so the group (and its permission) is made again here when missing."""
    from django.contrib.auth.models import Group, Permission, User
    from django.contrib.contenttypes.models import ContentType

    from comments.models import Comment

    permission, _ = Permission.objects.get_or_create(
        codename="can_moderate",
        content_type=ContentType.objects.get_for_model(Comment),
        defaults={"name": "Can moderate comments"},
    )
    group, _ = Group.objects.get_or_create(name="Moderators")
    group.permissions.add(permission)
    user = User.objects.create_user(username, f"{username}@example.com", PASSWORD)
    user.groups.add(group)
    return user


def log_in(page, username: str, password: str = PASSWORD) -> None:
    """Type into the login form the page shows, as a person would, and send it."""
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("load")
