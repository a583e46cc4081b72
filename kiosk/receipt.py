"""Receipt documents for customer transactions, bilingual (简体中文 first, English)."""

from __future__ import annotations

from datetime import datetime

from drivers.interfaces import Align, CardApproved, ReceiptDocument, ReceiptLine
from kiosk.money import format_cny
from kiosk.msisdn import mask_mobile


def _topup_receipt(
    *,
    kiosk_id: str,
    kiosk_name: str,
    txn_id: str,
    msisdn: str,
    amount_fen: int,
    payment: tuple[ReceiptLine, ...],
    credited: bool,
    at: datetime,
    title: str = "话费充值  Mobile top-up",
    qr_prefix: str = "TOPUP",
    details: tuple[ReceiptLine, ...] = (),
) -> ReceiptDocument:
    """A payment's receipt (top-up, bill): the number masked, the amount exact, "pending"
    until central confirmed; `payment` says how it was paid, `details` what it paid for."""
    status = (
        ReceiptLine("状态: 已到账  Status: credited", bold=True)
        if credited
        else ReceiptLine("状态: 处理中，稍后到账  Status: pending", bold=True)
    )
    lines = (
        ReceiptLine(kiosk_name, Align.CENTER, bold=True),
        ReceiptLine(title, Align.CENTER, bold=True),
        ReceiptLine("-" * 32),
        ReceiptLine(f"终端 Kiosk: {kiosk_id}"),
        ReceiptLine(f"时间 Time: {at.strftime('%Y-%m-%d %H:%M:%S')}"),
        ReceiptLine(f"流水号 Ref: {txn_id}"),
        ReceiptLine(f"手机号码 Number: {mask_mobile(msisdn)}"),
        *details,
        *payment,
        ReceiptLine(f"金额 Amount: {format_cny(amount_fen)}", Align.CENTER, bold=True, double=True),
        status,
        ReceiptLine("-" * 32),
        ReceiptLine("请妥善保管此凭条  Please keep this receipt", Align.CENTER),
    )
    return ReceiptDocument(lines=lines, qr_data=f"{qr_prefix}:{txn_id}")


def topup_receipt(
    *,
    kiosk_id: str,
    kiosk_name: str,
    txn_id: str,
    msisdn: str,
    amount_fen: int,
    notes_fen: tuple[int, ...],
    credited: bool,
    at: datetime,
) -> ReceiptDocument:
    """The customer's proof of a cash top-up, with the notes taken."""
    payment = _cash_lines(notes_fen)
    return _topup_receipt(
        kiosk_id=kiosk_id, kiosk_name=kiosk_name, txn_id=txn_id, msisdn=msisdn,
        amount_fen=amount_fen, payment=payment, credited=credited, at=at,
    )  # fmt: skip


def card_topup_receipt(
    *,
    kiosk_id: str,
    kiosk_name: str,
    txn_id: str,
    msisdn: str,
    approval: CardApproved,
    credited: bool,
    at: datetime,
) -> ReceiptDocument:
    """A card top-up: the terminal's masked card number and approval code, never more."""
    payment = _card_lines(approval)
    return _topup_receipt(
        kiosk_id=kiosk_id, kiosk_name=kiosk_name, txn_id=txn_id, msisdn=msisdn,
        amount_fen=approval.amount_fen, payment=payment, credited=credited, at=at,
    )  # fmt: skip


def _cash_lines(notes_fen: tuple[int, ...]) -> tuple[ReceiptLine, ...]:
    counts: dict[int, int] = {}
    for note in notes_fen:
        counts[note] = counts.get(note, 0) + 1
    return (
        ReceiptLine("支付方式 Paid by: 现金 cash"),
        *(ReceiptLine(f"  {format_cny(note)} x {count}") for note, count in sorted(counts.items())),
    )


def _card_lines(approval: CardApproved) -> tuple[ReceiptLine, ...]:
    return (
        ReceiptLine(f"支付方式 Paid by: 银行卡 card {approval.brand}"),
        ReceiptLine(f"卡号 Card: {approval.masked_pan}"),
        ReceiptLine(f"授权码 Approval: {approval.approval_code}"),
        ReceiptLine(f"参考号 Terminal ref: {approval.poi_transaction_id}"),
    )


def bill_payment_receipt(
    *,
    kiosk_id: str,
    kiosk_name: str,
    txn_id: str,
    msisdn: str,
    amount_fen: int,
    months: tuple[str, ...],
    credited: bool,
    at: datetime,
    notes_fen: tuple[int, ...] = (),
    approval: CardApproved | None = None,
) -> ReceiptDocument:
    """A bill payment: the months it was meant for (none when the kiosk could not ask central),
    paid in cash (`notes_fen`) or by card (`approval`)."""
    payment = _card_lines(approval) if approval is not None else _cash_lines(notes_fen)
    details = (ReceiptLine(f"账期 Bills: {', '.join(months)}"),) if months else ()
    return _topup_receipt(
        kiosk_id=kiosk_id, kiosk_name=kiosk_name, txn_id=txn_id, msisdn=msisdn,
        amount_fen=amount_fen, payment=payment, credited=credited, at=at,
        title="缴纳话费  Bill payment", qr_prefix="BILL", details=details,
    )  # fmt: skip
