"""axe-core on every built page, on a desktop (1400 x 900) and on a phone (390 x 844): WCAG 2 A/AA.

Opt in with ``RNN_BOOK_SITE_TEST=1`` after ``jupyter-book build . -W``, like ``test_site.py``.
axe-core comes from the ``axe-playwright-python`` wheel (a dev extra), which bundles a
current build as a plain ``axe.min.js``: Selenium injects it into each page, no npm step.
axe runs every rule tagged WCAG 2.0, 2.1 or 2.2 level A or AA, the ones it marks
experimental included (label-content-name-mismatch is one: a speech user names a control by
the text on screen). No page may have a critical or a serious violation; the assertion
prints the count of violating elements per page and impact, moderate and minor included.
"""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from browser import DESKTOP, PHONE, content_pages, open_page, requires_built_site, unavailable, wait_for_mathjax

if TYPE_CHECKING:
    from selenium.webdriver import Chrome

pytestmark = [requires_built_site,
              # 61 s of Chromium CPU for both screens; 55-104 s wall on 2 busy cores
              pytest.mark.expected_seconds(60)]

WCAG_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
IMPACTS = ("critical", "serious", "moderate", "minor")
FORBIDDEN = ("critical", "serious")
SCREENS = (DESKTOP, PHONE)

# Runs axe on the page: {version, violations: [{id, impact, help, targets}]}, one target
# (a CSS selector) per violating element.
RUN_AXE = """
const [tags, done] = [arguments[0], arguments[arguments.length - 1]];
const rules = axe.getRules(tags).map((rule) => rule.ruleId);
axe.run(document, {runOnly: {type: "rule", values: rules}, resultTypes: ["violations"]}).then(
  (results) => done({version: axe.version, violations: results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map((node) => node.target.join(" "))}))}),
  (error) => done({error: String(error)}));
"""


def axe_source() -> str:
    """axe-core's ``axe.min.js``, from the axe-playwright-python wheel."""
    try:
        import axe_playwright_python
    except ImportError:
        unavailable("axe-playwright-python is not installed: pip install -e '.[dev]'")
    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


def audit(driver: Chrome, url: str, axe: str) -> dict:
    """axe's WCAG 2 A/AA violations on `url`, once its maths is typeset."""
    open_page(driver, url)
    wait_for_mathjax(driver)
    driver.execute_script(axe)
    result = driver.execute_async_script(RUN_AXE, WCAG_A_AA)
    assert "error" not in result, f"{url}: axe-core failed: {result['error']}"
    return result


def counts(violations: list[dict]) -> Counter[str]:
    """Violating elements per impact (0 for an impact not found)."""
    found: Counter[str] = Counter()
    for violation in violations:
        found[violation["impact"]] += len(violation["targets"])
    return found


def table(results: dict[str, dict]) -> str:
    """One line per page: its count of violating elements per impact."""
    lines = [f"  {'page':<34}" + "".join(f"{impact:>10}" for impact in IMPACTS)]
    for page, result in results.items():
        found = counts(result["violations"])
        lines.append(f"  {page:<34}" + "".join(f"{found[impact]:>10}" for impact in IMPACTS))
    return "\n".join(lines)


def audit_site(driver: Chrome, origin: str, axe: str) -> dict[str, dict]:
    """axe's results for every page of the site, in one browser."""
    return {page: audit(driver, f"{origin}/{page}", axe) for page in content_pages()}


def test_no_page_has_a_critical_or_serious_violation(browsers, origin):
    axe = axe_source()
    drivers = [browsers.at(*size) for size in SCREENS]
    # The two screens are audited side by side: axe is single-threaded JavaScript, the CI
    # machine has two cores (measured: 61 s of CPU for both screens, 34 s at 1400 px).
    with ThreadPoolExecutor(max_workers=len(drivers)) as pool:
        audits = dict(zip(SCREENS, pool.map(lambda driver: audit_site(driver, origin, axe), drivers), strict=True))
    report, details = [], []
    for (width, height), results in audits.items():
        assert results, "no pages in the built site"
        version = next(iter(results.values()))["version"]
        report.append(f"axe-core {version}, WCAG 2 A/AA, at {width}x{height}: violating elements\n"
                      f"{table(results)}")
        details += [f"{page} at {width} px: {v['impact']} {v['id']} ({v['help']}): "
                    f"{', '.join(v['targets'][:4])}"
                    for page, result in results.items() for v in result["violations"]
                    if v["impact"] in FORBIDDEN]
    assert not details, "\n".join(report + details)
