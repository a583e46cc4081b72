"""The tour's payment and account journeys, tapped as a customer would: cash and card top-up,
bill payment by cash and by card, balance/bill/records/invoice with printing, plan change and a
service switched with the texted code. Each returns what the customer was shown in the end;
`runner` adds what central recorded. Demo data: central/seed.py's lines."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import requests

from kiosk.tour.screen import Tour, TourFailed

CUSTOMER = ("13800138000", "123456")  # 张三 (central's demo data)
OTHER_CUSTOMER = ("13900139000", "654321")  # 李四: central texts a number once a minute
CARD_CUSTOMER = "13900139000"  # 李四
OWING = "13700137000"  # 王五: every month unpaid
SMS_CODE = re.compile(r"验证码(\d{6})")


def _type_number(tour: Tour, number: str) -> None:
    tour.tap("key.clear")
    tour.type(number)


def _credited(topup: Any, total: int) -> Callable[[], bool]:
    return lambda: bool(topup.creditedFen == total)


def cash_topup(tour: Tour) -> str:
    topup = tour.screen.feature("topup")
    tour.start()
    tour.shot("menu")
    tour.open("topup.cash")
    tour.on("topup.number")
    tour.type(CUSTOMER[0])
    tour.shot("number")
    tour.tap("number.next")
    tour.on("topup.cash")
    for total, note in ((5000, 5000), (15000, 10000)):
        tour.tap(f"sim.note.{note}")
        tour.expect(f"¥{total // 100} credited", _credited(topup, total))
    tour.shot("cash-inserted")
    before = tour.receipts()
    tour.tap("cash.confirm")
    tour.on("topup.result", 30)
    tour.shot("result")
    tour.receipt("topup", before)
    return f"topped up ¥150.00 ({topup.txnRef})"


def _card_terminal(tour: Tour) -> None:
    payment = tour.screen.feature("payment")
    tour.on("payment.card")
    tour.expect("the card terminal", lambda: payment.stage in ("pin_entry", "authorising"))
    tour.shot("card-terminal")
    tour.on("payment.result", 40)


def card_topup(tour: Tour) -> str:
    tour.start()
    tour.open("topup.card")
    tour.on("payment.number")
    _type_number(tour, CARD_CUSTOMER)
    tour.tap("number.next")
    tour.on("payment.amount")
    tour.tap("amount.preset.5000")
    tour.shot("amount")
    before = tour.receipts()
    tour.tap("amount.pay")
    _card_terminal(tour)
    tour.shot("result")
    tour.receipt("card-topup", before)
    return "¥50.00 by card, approved"


def _bill(tour: Tour, service: str) -> None:
    tour.start()
    tour.open(service)
    tour.on("payment.number")
    _type_number(tour, OWING)
    tour.tap("number.next")
    tour.on("payment.bill")
    tour.idle()
    tour.shot("bill")
    tour.tap("bill.pay")


def bill_cash(tour: Tour) -> str:
    payment = tour.screen.feature("payment")
    _bill(tour, "bill.cash")
    tour.on("payment.cash")
    before = tour.receipts()
    tour.tap("sim.note.2000")
    tour.expect("¥20 paid", lambda: payment.paidFen == 2000)
    tour.shot("cash")
    tour.tap_when_ready("cash.finish")  # part of the bill now, the rest another day
    tour.on("payment.result", 30)
    tour.shot("result")
    tour.receipt("bill-cash", before)
    return f"¥20.00 of the bill paid in cash, {payment.stillOwedText} still due"


def bill_card(tour: Tour) -> str:
    _bill(tour, "bill.card")
    before = tour.receipts()
    _card_terminal(tour)
    tour.shot("result")
    tour.receipt("bill-card", before)
    return "the bill paid by card"


def log_in(tour: Tour, service: str, then: str, who: tuple[str, str] = CUSTOMER) -> None:
    """Menu → service → login by service password (the auth screens) → the service's screen."""
    tour.open(service)
    tour.expect("the login screens", lambda: tour.vm.screen in ("auth.method", then))
    if tour.vm.screen == then:
        return
    tour.shot("login")
    tour.tap("auth.method.password")
    tour.on("auth.number")
    tour.type(who[0])
    tour.tap("auth.number.next")
    tour.on("auth.password")
    tour.type(who[1])
    tour.tap("auth.password.submit")
    tour.on(then)


def _printed(tour: Tour, button: str, name: str) -> None:
    account = tour.screen.feature("account")
    before = tour.receipts()
    tour.tap_when_ready(button)
    tour.expect(f"{name} printed", lambda: account.printState in ("printed", "failed"))
    if account.printState != "printed":
        raise TourFailed(f"the {name} did not print ({tour.vm.messageKey})")
    tour.receipt(name, before)


def account(tour: Tour) -> str:
    tour.start()
    log_in(tour, "account.query", "account.overview")
    tour.idle()
    tour.shot("balance")
    _printed(tour, "account.printBalance", "balance")
    tour.tap("account.showBill")
    tour.on("account.bill")
    tour.idle()
    tour.shot("bill")
    _printed(tour, "account.printBill", "bill")
    tour.tap("nav.back")
    tour.on("account.overview")
    tour.tap("account.showRecords")
    tour.on("account.records")
    tour.idle()
    tour.shot("records")
    _printed(tour, "account.printRecords", "records")
    tour.home()
    tour.start()
    log_in(tour, "account.invoice", "account.invoices")
    tour.idle()
    tour.shot("invoices")
    _printed(tour, "account.invoice.0.print", "invoice")
    return "balance, bill, records and an invoice printed"


def _texted_code(tour: Tour, msisdn: str) -> str:
    """The code central texted (its SMS outbox, ops API: the demo's stand-in for the phone)."""
    embedded = tour.app.config.central.embedded
    if embedded is None:
        raise TourFailed("the SMS code is read from the embedded central's outbox")
    reply = requests.get(f"{tour.app.central_url}/v1/ops/sms", params={"msisdn": msisdn},
                         headers={"Authorization": f"Bearer {embedded.ops_token}"},
                         timeout=5)  # fmt: skip
    reply.raise_for_status()
    for message in reply.json()["messages"]:
        found = SMS_CODE.search(str(message.get("text", "")))
        if found:
            return found.group(1)
    raise TourFailed("central texted no code")


def _confirm_with_code(tour: Tour, msisdn: str) -> str:
    change = tour.screen.feature("change")
    tour.on("change.confirm")
    tour.tap_when_ready("change.send")
    tour.expect("the code texted", lambda: change.codeSent)
    tour.type(_texted_code(tour, msisdn))
    tour.shot("code")
    tour.tap_when_ready("change.confirmCode")
    tour.on("change.result", 30)
    tour.shot("result")
    return f"{change.summaryZh}"


def plan_change(tour: Tour) -> str:
    change = tour.screen.feature("change")
    tour.start()
    log_in(tour, "change.plan", "change.plans")
    tour.idle()
    tour.expect("the plans", lambda: len(change.plans) > 0)
    tour.shot("plans")
    others = [row["code"] for row in change.plans if not row["current"]]
    if not others:
        raise TourFailed("no other plan to change to")
    tour.tap(f"change.plan.{others[-1]}")
    return _confirm_with_code(tour, CUSTOMER[0])


def service_switch(tour: Tour) -> str:
    change = tour.screen.feature("change")
    tour.start()
    log_in(tour, "change.service", "change.services", OTHER_CUSTOMER)
    tour.idle()
    tour.expect("the services", lambda: len(change.serviceList) > 0)
    tour.shot("services")
    row = change.serviceList[0]
    tour.tap(f"change.service.{row['code']}")
    return _confirm_with_code(tour, OTHER_CUSTOMER[0])
