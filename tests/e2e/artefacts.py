"""Screenshots kept as test artefacts, and the helpers the width and accessibility tests share.

Screenshots land in $TRACKER_ARTEFACTS, or test-artefacts/screenshots/ at the repository's root (ignored
by git); each run writes them again, one file per page and width, named <width>-<journey>-<step>.png.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WIDTHS = {"desktop": (1366, 900), "phone": (375, 812)}
# Below this width the navbar collapses behind its toggler (navbar-expand-xl).
COLLAPSED_BELOW = 1200


def artefacts_dir() -> Path:
    path = Path(os.environ.get("TRACKER_ARTEFACTS") or ROOT / "test-artefacts" / "screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def shot(page, name: str) -> Path:
    """A full-page screenshot of the page as it is, named after the width it was taken at."""
    width = page.viewport_size["width"]
    path = artefacts_dir() / f"{width}-{re.sub(r'[^a-z0-9_.-]+', '-', name.lower())}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def new_page(browser, live_server, width: str):
    w, h = WIDTHS[width]
    # Reduced motion: Bootstrap then draws its focus rings at once (no transition), so a test reads them.
    context = browser.new_context(
        base_url=live_server, locale="vi-VN", viewport={"width": w, "height": h}, reduced_motion="reduce"
    )
    return context.new_page()


# What scrolls sideways: the document itself, or any box inside it that scrolls horizontally (a
# .table-responsive wrapper hides a table wider than the screen inside a scroll of its own).
SIDEWAYS = """() => {
  const out = [];
  const doc = document.scrollingElement;
  if (doc.scrollWidth > doc.clientWidth) out.push(`document ${doc.scrollWidth} > ${doc.clientWidth}`);
  for (const el of document.querySelectorAll('main *')) {
    const ox = getComputedStyle(el).overflowX;
    if ((ox === 'auto' || ox === 'scroll') && el.scrollWidth > el.clientWidth + 1 && el.offsetParent !== null)
      out.push(`${el.tagName.toLowerCase()}.${el.className} ${el.scrollWidth} > ${el.clientWidth}`);
  }
  return out;
}"""


def sideways(page) -> list[str]:
    return page.evaluate(SIDEWAYS)


def go(page, link: str) -> None:
    """Follow a link of the navbar as a user would: through the toggler when the menu is collapsed."""
    if page.viewport_size["width"] < COLLAPSED_BELOW:
        page.get_by_role("button", name="Mở menu").click()
        page.locator("#nav.show").wait_for()
    page.locator("#nav").get_by_role("link", name=link, exact=True).click()
    page.wait_for_load_state()
