"""The ops console's pages against a live central: counts, alerts, cash and today's business on
the overview, charts' figures, groups, the kiosk list's filters, search, sorting and paging,
the kiosk page's sections, language switching and the ops token."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

import pytest
import requests

from central.fleet import CHINA_STANDARD_TIME
from central.kiosk_registry import add_missing
from central.ops_i18n import CATALOGUE
from tests.central.conftest import (
    KIOSKS,
    OPS_TOKEN,
    Central,
    FakeClock,
    heartbeat_body,
    item,
    topup_body,
)

pytestmark = pytest.mark.timeout(60)

SHANGHAI = {"region": "华东", "city": "上海", "hall": "徐汇营业厅"}
BEIJING = {"region": "华北", "city": "北京", "hall": "西单营业厅"}


class Elements(HTMLParser):
    """Every element with an id or a data-* attribute, by tag, with its attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict[str, str | None]]] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.found.append((tag, dict(attrs)))

    def by_id(self, element_id: str) -> dict[str, str | None]:
        [found] = [a for _, a in self.found if a.get("id") == element_id]
        return found

    def all(self, tag: str, attribute: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.found if t == tag and attribute in a]


def parse(html: str) -> Elements:
    page = Elements()
    page.feed(html)
    page.close()
    return page


def local_now(clock: FakeClock) -> str:
    return clock.now.astimezone(CHINA_STANDARD_TIME).isoformat()


def get(central: Central, path: str, **params: str) -> requests.Response:
    return requests.get(f"{central.url}{path}", params={"token": OPS_TOKEN, **params}, timeout=10)


def page(central: Central, path: str, **params: str) -> Elements:
    reply = get(central, path, **params)
    assert reply.status_code == 200, reply.text[:500]
    return parse(reply.text)


def beat(central: Central, clock: FakeClock, kiosk: str = "K1", **changes: Any) -> None:
    body = heartbeat_body(sent_at=local_now(clock), **changes)
    reply = central.heartbeat(body, kiosk, token=_tokens(central).get(kiosk))
    assert reply.status_code == 200, reply.text


def _tokens(central: Central) -> dict[str, str]:
    return {**KIOSKS, **getattr(central, "extra_tokens", {})}


def sessions(started: int, completed: int) -> dict[str, Any]:
    counts = {"started": started, "completed": completed, "abandoned": 0, "failed": 0}
    return {"services": {"topup.cash": counts}}


def test_overview_counts_alerts_cash_today_and_groups(central: Central, clock: FakeClock) -> None:
    """GIVEN K1 in Shanghai with a printer out of paper, two top-ups and 4 of 5 sessions done,
    and K2 in Beijing out of service
    WHEN the overview is read
    THEN the counts, alerts, cash, today's money and diversion rate are the fleet's, the
    charts hold today's bars, and the groups table has a row per region."""
    paper_out = [{"name": "printer", "level": "error", "code": "paper_out", "message_key": "p"}]
    beat(central, clock, "K1", devices=paper_out, **SHANGHAI, **sessions(5, 4))
    beat(central, clock, "K2", out_of_service=True, cash_box={"10000": 1}, **BEIJING)
    now = local_now(clock)
    central.sync_results(
        [
            item("a", topup_body(txn_id="a", created_at=now)),
            item("b", topup_body(txn_id="b", method="card", amount_fen=3000, created_at=now)),
        ]
    )
    shown = page(central, "/ops/console")
    names = ("kiosks", "online", "out_of_service", "offline", "never")
    counts = [shown.by_id(f"count-{name}")["data-value"] for name in names]
    assert counts == ["2", "1", "1", "0", "0"]
    assert shown.by_id("alerts-error")["data-value"] == "1"
    assert shown.by_id("alerts-error")["data-kiosks"] == "1"
    assert shown.by_id("cash")["data-fen"] == str(37000 + 10000)
    today = shown.by_id("today")
    assert (today["data-count"], today["data-fen"]) == ("2", "8000")
    assert (today["data-started"], today["data-completed"]) == ("5", "4")
    assert today["data-diversion-rate"] == "0.8000"
    day = clock.now.astimezone(CHINA_STANDARD_TIME).date().isoformat()
    bars = {
        (r["data-series"], r["data-value"])
        for r in shown.all("rect", "data-series")
        if r["data-day"] == day and r.get("data-value") in ("5000", "3000")
    }
    assert bars == {("cash", "5000"), ("card", "3000")}
    [point] = [c for c in shown.all("circle", "data-day") if c["data-day"] == day]
    assert point["data-value"] == "0.8000"
    groups = {r["data-group"]: r for r in shown.all("tr", "data-group")}
    assert set(groups) == {"华东", "华北"}
    assert groups["华东"]["data-today-fen"] == "8000"
    assert groups["华北"]["data-kiosks"] == "1"


def test_overview_of_one_region_breaks_down_by_city(central: Central, clock: FakeClock) -> None:
    beat(central, clock, "K1", **SHANGHAI)
    beat(central, clock, "K2", **BEIJING)
    shown = page(central, "/ops/console", region="华东")
    assert shown.by_id("count-kiosks")["data-value"] == "1"
    assert shown.by_id("groups")["data-level"] == "city"
    assert [r["data-group"] for r in shown.all("tr", "data-group")] == ["上海"]


def test_kiosks_that_never_reported_a_place_form_the_unassigned_group(
    central: Central, clock: FakeClock
) -> None:
    beat(central, clock, "K1")  # an older kiosk: no place in its heartbeat
    shown = page(central, "/ops/console", region="-")
    assert shown.by_id("count-kiosks")["data-value"] == "1"
    listed = page(central, "/ops/console/kiosks", region="-")
    assert [r["data-kiosk"] for r in listed.all("tr", "data-kiosk")] == ["K1"]


def test_offline_after_three_intervals_and_never_seen(central: Central, clock: FakeClock) -> None:
    beat(central, clock, "K1", interval_s=10)
    clock.advance(31)
    shown = page(central, "/ops/console")
    assert shown.by_id("count-offline")["data-value"] == "1"
    assert shown.by_id("count-never")["data-value"] == "1"  # K2
    listed = page(central, "/ops/console/kiosks")
    assert {r["data-kiosk"]: r["data-status"] for r in listed.all("tr", "data-kiosk")} == {
        "K1": "offline",
        "K2": "never",
    }


def _fleet(central: Central, count: int) -> dict[str, str]:
    tokens = {f"KX{n:03d}": f"token-x-{n}" for n in range(count)}
    add_missing(central.storage, tokens)
    central.extra_tokens = tokens  # type: ignore[attr-defined]
    return tokens


def test_list_filters_search_sort_and_pages(central: Central, clock: FakeClock) -> None:
    """GIVEN 12 more kiosks: even ones in Shanghai on 1.5.0, odd ones in Beijing on 1.4.2,
    every third with a jammed acceptor
    THEN each filter, the search, the sort and the pages select exactly the right kiosks."""
    tokens = _fleet(central, 12)
    for n, kiosk in enumerate(sorted(tokens)):
        jam = [{"name": "acceptor", "level": "error", "code": "jam", "message_key": "j"}]
        place = SHANGHAI if n % 2 == 0 else BEIJING
        beat(
            central, clock, kiosk, software_version="1.5.0" if n % 2 == 0 else "1.4.2",
            devices=jam if n % 3 == 0 else [], cash_box={"100": n}, **place,
        )  # fmt: skip

    def listed(**params: str) -> list[str]:
        rows = page(central, "/ops/console/kiosks", **params).all("tr", "data-kiosk")
        return [r["data-kiosk"] or "" for r in rows]

    assert listed(hall="徐汇营业厅", size="50") == [f"KX{n:03d}" for n in range(0, 12, 2)]
    assert listed(version="1.4.2") == [f"KX{n:03d}" for n in range(1, 12, 2)]
    assert listed(alert="error") == [f"KX{n:03d}" for n in range(0, 12, 3)]
    assert listed(status="never") == ["K1", "K2"]
    assert listed(q="x01") == ["KX010", "KX011"]
    assert listed(sort="cash", order="desc", size="3") == ["KX011", "KX010", "KX009"]
    first = page(central, "/ops/console/kiosks", size="5")
    found = first.by_id("found")
    assert (found["data-total"], found["data-pages"]) == ("14", "3")
    assert listed(size="5", page="3") == ["KX008", "KX009", "KX010", "KX011"]
    last = parse(get(central, "/ops/console/kiosks", size="5", page="3").text)
    assert "next" not in {a.get("id") for _, a in last.found}


def test_list_refuses_out_of_range_parameters(central: Central) -> None:
    for params in ({"page": "0"}, {"size": "201"}, {"status": "asleep"}, {"sort": "colour"}):
        assert get(central, "/ops/console/kiosks", **params).status_code == 422, params


def test_kiosk_page_shows_health_queue_cash_transactions_and_commands(
    central: Central, clock: FakeClock
) -> None:
    beat(central, clock, "K1", **SHANGHAI, location="入口左侧")
    clock.advance(5)  # the place comes with every beat: one without it would clear it
    paper_out = [{"name": "printer", "level": "error", "code": "paper_out", "message_key": "p"}]
    queue = {"pending": 3, "dead": 1, "oldest_pending_age_s": 120.0}
    beat(
        central,
        clock,
        "K1",
        devices=paper_out,
        queue=queue,
        software_version="1.5.0",
        location="入口左侧",
        **SHANGHAI,
    )
    central.sync_results([item("a", topup_body(txn_id="a", created_at=local_now(clock)))])
    assert central.issue("K1", {"kind": "restart"}).status_code == 201
    reply = get(central, "/ops/console/kiosks/K1")
    assert reply.status_code == 200
    shown = parse(reply.text)
    assert shown.by_id("kiosk")["data-status"] == "online"
    assert [a["data-code"] for a in shown.all("li", "data-code")] == ["paper_out"]
    codes = [r["data-code"] for r in shown.all("tr", "data-code")]
    assert "paper_out" in codes
    assert "1.5.0" in codes
    assert "first_heartbeat" in codes
    assert (shown.by_id("queue")["data-pending"], shown.by_id("queue")["data-dead"]) == ("3", "1")
    assert shown.by_id("cash")["data-fen"] == "37000"
    [txn] = shown.all("tr", "data-amount-fen")[:1]
    assert (txn["data-service"], txn["data-amount-fen"]) == ("topup", "5000")
    assert "138****8000" in reply.text
    assert "13800138000" not in reply.text
    [command] = list(shown.all("tr", "data-acked"))
    assert (command["data-kind"], command["data-acked"]) == ("restart", "no")
    assert "入口左侧" in reply.text
    assert sorted(m["data-level"] or "" for m in shown.all("rect", "data-level")) == [
        "error",
        "ok",
        "ok",
    ]


def test_unknown_kiosk_is_404(central: Central) -> None:
    assert get(central, "/ops/console/kiosks/NOPE").status_code == 404


@pytest.mark.parametrize("path", ["/ops/console", "/ops/console/kiosks", "/ops/console/kiosks/K1"])
def test_pages_need_the_ops_token(central: Central, path: str) -> None:
    for token in (None, "wrong", KIOSKS["K1"]):
        params = {} if token is None else {"token": token}
        reply = requests.get(f"{central.url}{path}", params=params, timeout=10)
        assert reply.status_code == 401
        assert reply.headers["content-type"].startswith("text/html")
    by_header = requests.get(
        f"{central.url}{path}", headers={"Authorization": f"Bearer {OPS_TOKEN}"}, timeout=10
    )
    assert by_header.status_code == 200
    assert "token=" not in by_header.text  # links carry the token only when it came in the URL


def test_chinese_first_english_by_parameter_then_cookie(central: Central) -> None:
    chinese = get(central, "/ops/console")
    assert '<html lang="zh-CN">' in chinese.text
    assert "运维总览" in chinese.text
    english = get(central, "/ops/console", lang="en")
    assert '<html lang="en">' in english.text
    assert "Fleet overview" in english.text
    assert "运维总览" not in english.text
    cookie = english.cookies.get("ops_lang")
    assert cookie == "en"
    again = requests.get(
        f"{central.url}/ops/console/kiosks",
        params={"token": OPS_TOKEN},
        cookies={"ops_lang": "en"},
        timeout=10,
    )
    assert '<html lang="en">' in again.text
    switch = parse(english.text).by_id("lang-switch")["href"] or ""
    assert "lang=zh" in switch
    assert f"token={OPS_TOKEN}" in switch


def test_every_text_has_both_languages_with_the_same_placeholders() -> None:
    for key, (zh, en) in CATALOGUE.items():
        assert zh, key
        assert en, key
        assert set(re.findall(r"{(\w+)}", zh)) == set(re.findall(r"{(\w+)}", en)), key


def test_values_are_escaped(central: Central, clock: FakeClock) -> None:
    hostile = '<script>alert("x")</script>'
    beat(central, clock, "K1", region=hostile, location=hostile, software_version=hostile)
    for path in ("/ops/console", "/ops/console/kiosks", "/ops/console/kiosks/K1"):
        shown = parse(get(central, path).text)
        assert "script" not in shown.tags, path


def test_old_fleet_page_and_api_still_work(central: Central, clock: FakeClock) -> None:
    beat(central, clock, "K1", **SHANGHAI)
    assert get(central, "/ops/fleet").status_code == 200
    assert central.fleet()["summary"]["kiosks"] == 2


def test_generated_time_is_china_time(central: Central, clock: FakeClock) -> None:
    clock.now = datetime(2027, 1, 10, 16, 30, tzinfo=UTC)
    assert "2027-01-11 00:30:00" in get(central, "/ops/console").text
