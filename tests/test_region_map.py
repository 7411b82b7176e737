"""carte.html in a real headless Chromium: outlines drawn, a click on a QPV shows its actors, the
search finds an actor, and the page makes no network request."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from chromium import Browser, chromium_path
from conftest import ROOT

from generator.region.gather import gather
from generator.region.synthesis import synthesize

pytestmark = pytest.mark.skipif(
    chromium_path() is None and not os.environ.get("CI"),
    reason="chromium absent (CI installs it: .ci/run)",
)


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    folder = tmp_path_factory.mktemp("carte")
    result = synthesize(gather([ROOT / "contracts"], jobs=1))
    path = folder / "carte.html"
    path.write_bytes(result.files["carte.html"])
    browser = Browser(folder / "profil")
    try:
        browser.send("Network.enable")
        browser.send("Page.enable")
        browser.send("Page.navigate", url=path.as_uri())
        browser.wait_event("Page.loadEventFired")
        yield browser, path, result
    finally:
        browser.close()


def test_outlines_are_drawn(page):
    browser, _, result = page
    count = browser.evaluate("document.querySelectorAll('#map path').length")
    assert count == len(result.region.qpv) == 26
    sizes = browser.evaluate(
        "Array.from(document.querySelectorAll('#map path')).map(p => p.getBBox().width)"
    )
    assert all(size > 0 for size in sizes)
    fills = browser.evaluate(
        "new Set(Array.from(document.querySelectorAll('#map path')).map(p => p.getAttribute('fill'))).size"
    )
    assert fills > 1  # coloured by the chosen figure, not all alike


def _centre_of(browser, code: str) -> tuple[float, float]:
    """Zoom on a QPV as the wheel would, then a point of the screen that hits its outline."""
    browser.evaluate(
        f"""(() => {{ const p = document.querySelector('#map path[data-code="{code}"]');
        const b = p.getBBox();
        document.getElementById('map').setAttribute('viewBox', [b.x, b.y, b.width, b.height].join(' '));
        }})()"""
    )
    return tuple(
        browser.evaluate(
            f"""(() => {{ const p = document.querySelector('#map path[data-code="{code}"]');
            const r = p.getBoundingClientRect();
            for (let i = 1; i < 20; i++) for (let j = 1; j < 20; j++) {{
              const x = r.left + r.width * i / 20, y = r.top + r.height * j / 20;
              if (document.elementFromPoint(x, y) === p) return [x, y];
            }}
            return null; }})()"""
        )
    )


def test_click_on_a_qpv_shows_its_contract_actors_and_commitments(page, tmp_path):
    browser, _, _ = page
    x, y = _centre_of(browser, "QN06001M")
    browser.click(x, y)
    text = browser.evaluate("document.getElementById('panel').innerText")
    assert "QN06001M" in text and "Communauté d'agglomération Creil Sud Oise" in text
    assert "Centre social Georges Brassens" in text
    assert "Ouvrir les collèges de 8 h à 18 h" in text  # a commitment targeted on this QPV
    assert "Nadia Belkacem" not in text and "cs-brassens" not in text  # no contact details
    browser.screenshot(tmp_path / "clic.png")
    if os.environ.get("CDV_CAPTURES"):
        browser.screenshot(Path(os.environ["CDV_CAPTURES"]) / "carte-clic.png")


def test_search_finds_an_actor(page):
    browser, _, _ = page
    browser.evaluate("document.getElementById('search').focus()")
    browser.send("Input.insertText", text="unis-cite")
    text = browser.evaluate("document.getElementById('results').innerText")
    assert "Unis-Cité Hauts-de-France - arras" in text
    assert "Unis-Cité Hauts-de-France - creil-sud-oise" in text
    assert "Unis-Cité Hauts-de-France - amiens-metropole" in text
    found = browser.evaluate("document.querySelectorAll('#map path.found').length")
    assert found == 5  # the QPV of the three territories where it acts


def test_figure_select_recolours(page):
    browser, _, _ = page
    before = browser.evaluate(
        "Array.from(document.querySelectorAll('#map path')).map(p => p.getAttribute('fill')).join()"
    )
    browser.evaluate(
        "const s = document.getElementById('figure'); s.value = '1';"
        "s.dispatchEvent(new Event('change'))"
    )
    after = browser.evaluate(
        "Array.from(document.querySelectorAll('#map path')).map(p => p.getAttribute('fill')).join()"
    )
    assert before != after
    assert "Nombre d'acteurs" in browser.evaluate("document.getElementById('legend').innerText")


def test_no_network_request(page):
    browser, path, _ = page
    browser.evaluate("1")  # drain the events received so far
    urls = {
        e["params"]["request"]["url"]
        for e in browser.events
        if e.get("method") == "Network.requestWillBeSent"
    }
    assert urls == {path.as_uri()}
