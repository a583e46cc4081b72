"""The ops console's pages in headless Chromium, in Chinese and in English: the DOM the browser
built holds the figures and no script, and a screenshot of each page is saved under
test-artifacts/ops-console/ for a person to look at."""

from __future__ import annotations

import shutil
import subprocess
from datetime import timedelta

import pytest

from central.fleet import CHINA_STANDARD_TIME
from tests.central.conftest import OPS_TOKEN, Central, FakeClock, item, topup_body
from tests.central.test_ops_console import BEIJING, SHANGHAI, beat, parse, sessions
from tests.conftest import REPO

pytestmark = [
    pytest.mark.timeout(180),
    pytest.mark.skipif(
        not shutil.which("chromium"), reason="chromium is not installed (apt-get install chromium)"
    ),
]
ARTIFACTS = REPO / "test-artifacts" / "ops-console"
PAGES = {
    "overview": "/ops/console",
    "list": "/ops/console/kiosks",
    "kiosk": "/ops/console/kiosks/K1",
}


def chromium(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _history(central: Central, clock: FakeClock) -> None:
    """A week of payments in two halls and a kiosk with a device fault."""
    today = clock.now.astimezone(CHINA_STANDARD_TIME)
    items = []
    for back in range(7):
        day = (today - timedelta(days=back)).replace(hour=10).isoformat()
        for n, method in enumerate(("cash", "card", "cash")):
            txn = f"d{back}-{n}"
            items.append(item(txn, topup_body(txn_id=txn, method=method, created_at=day,
                                              amount_fen=1000 * (back + n + 1))))  # fmt: skip
    jam = [{"name": "acceptor", "level": "error", "code": "jam", "message_key": "j"}]
    beat(central, clock, "K1", devices=jam, **SHANGHAI, location="一楼入口", **sessions(12, 9))
    central.sync_results(items)
    beat(central, clock, "K2", out_of_service=True, **BEIJING, **sessions(4, 4))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pages_in_headless_chromium_with_screenshots(
    central: Central, clock: FakeClock, lang: str
) -> None:
    _history(central, clock)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name, path in PAGES.items():
        url = f"{central.url}{path}?token={OPS_TOKEN}&lang={lang}"
        dom = chromium("--dump-dom", url)
        assert dom.returncode == 0, dom.stderr[-2000:]
        shown = parse(dom.stdout)
        assert "script" not in shown.tags
        html_lang = next(a for t, a in shown.found if t == "html")["lang"]
        assert html_lang == ("zh-CN" if lang == "zh" else "en")
        if name == "overview":
            assert shown.by_id("count-kiosks")["data-value"] == "2"
            assert len(shown.all("rect", "data-series")) >= 14  # 7 days × cash and card
        if name == "list":
            assert len(shown.all("tr", "data-kiosk")) == 2
        if name == "kiosk":
            assert [a["data-code"] for a in shown.all("li", "data-code")] == ["jam"]
        target = ARTIFACTS / f"{name}-{lang}.png"
        target.unlink(missing_ok=True)
        shot = chromium("--window-size=1280,1600", f"--screenshot={target}", url)
        assert shot.returncode == 0, shot.stderr[-2000:]
        assert target.stat().st_size > 10_000
