"""Printouts of account information: balance, monthly bill, call detail records (详单), invoice.

Bilingual (简体中文 first, English), 32 characters wide like the receipts. The customer's own
number is masked, and so is every other party's number in the call records: printouts are
often left behind at a public kiosk, and the owner recognises a number by its ends.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from drivers.interfaces import Align, ReceiptDocument, ReceiptLine
from kiosk.central_models import Balance, Bill, Invoice, UsageRecord
from kiosk.money import format_cny, format_signed_cny
from kiosk.msisdn import mask_mobile

RULE = ReceiptLine("-" * 32)
KIND_NAMES = {"voice": "通话 Voice", "sms": "短信 SMS", "data": "上网 Data"}


def _header(kiosk_name: str, title: str, msisdn: str, at: datetime) -> tuple[ReceiptLine, ...]:
    return (
        ReceiptLine(kiosk_name, Align.CENTER, bold=True),
        ReceiptLine(title, Align.CENTER, bold=True),
        RULE,
        ReceiptLine(f"手机号码 Number: {mask_mobile(msisdn)}"),
        ReceiptLine(f"打印时间 Printed: {at.strftime('%Y-%m-%d %H:%M')}"),
        RULE,
    )


def _footer() -> tuple[ReceiptLine, ...]:
    return (RULE, ReceiptLine("仅供参考  For reference only", Align.CENTER))


def balance_slip(kiosk_name: str, balance: Balance, at: datetime) -> ReceiptDocument:
    status = "正常 active" if balance.status == "active" else "停机 suspended"
    services = [ReceiptLine(f"  {s.name_zh} {s.name_en}") for s in balance.services]
    lines = (
        *_header(kiosk_name, "余额查询  Balance", balance.msisdn, at),
        ReceiptLine(f"机主 Owner: {balance.owner_name_masked}"),
        ReceiptLine(f"状态 Status: {status}"),
        ReceiptLine(f"套餐 Plan: {balance.plan.name_zh} {balance.plan.name_en}"),
        *((ReceiptLine("已开通业务 Services:"), *services) if services else ()),
        ReceiptLine(
            f"余额 Balance: {format_signed_cny(balance.balance_fen)}",
            Align.CENTER,
            bold=True,
            double=True,
        ),
        *_footer(),
    )
    return ReceiptDocument(lines=lines)


def bill_statement(kiosk_name: str, msisdn: str, bill: Bill, at: datetime) -> ReceiptDocument:
    items = [
        ReceiptLine(f"{item.name_zh} {item.name_en}: {format_signed_cny(item.amount_fen)}")
        for item in bill.items
    ]
    paid = "已缴清 paid" if bill.paid else "未缴 unpaid"
    lines = (
        *_header(kiosk_name, f"月账单 Bill {bill.month}", msisdn, at),
        *items,
        RULE,
        ReceiptLine(f"合计 Total: {format_signed_cny(bill.total_fen)}", bold=True),
        ReceiptLine(f"状态 Status: {paid}"),
        *_footer(),
    )
    return ReceiptDocument(lines=lines)


def _usage_line(record: UsageRecord) -> ReceiptLine:
    when = record.started_at.strftime("%m-%d %H:%M")
    arrow = "→" if record.direction == "out" else "←"
    peer = mask_mobile(record.peer) if len(record.peer) == 11 else record.peer
    if record.kind == "voice":
        minutes, seconds = divmod(record.duration_s, 60)
        amount = f"{minutes}:{seconds:02d}"
    elif record.kind == "data":
        amount = f"{record.volume_kb}KB"
    else:
        amount = "1"
    return ReceiptLine(f"{when} {arrow}{peer} {amount} {format_cny(record.charge_fen)}")


def usage_statement(
    kiosk_name: str,
    *,
    msisdn: str,
    month: str,
    kind: str | None,
    records: Sequence[UsageRecord],
    at: datetime,
) -> ReceiptDocument:
    """Call detail records of one month (and one kind), as many as the caller fetched."""
    title = KIND_NAMES.get(kind or "", "全部 All")
    total = sum(record.charge_fen for record in records)
    lines = (
        *_header(kiosk_name, f"详单 Records {month}", msisdn, at),
        ReceiptLine(f"类型 Kind: {title}   共 {len(records)} 条 records"),
        *(_usage_line(record) for record in records),
        RULE,
        ReceiptLine(f"费用合计 Charges: {format_cny(total)}", bold=True),
        *_footer(),
    )
    return ReceiptDocument(lines=lines)


def invoice_copy(kiosk_name: str, msisdn: str, invoice: Invoice, at: datetime) -> ReceiptDocument:
    """The invoice as central issued it; from the second print on it says 补打 (reprint)."""
    reprint = invoice.print_count > 1
    title = "发票 Invoice" + ("（补打 Reprint）" if reprint else "")
    lines = (
        *_header(kiosk_name, title, msisdn, at),
        ReceiptLine(f"发票号码 No.: {invoice.number}"),
        ReceiptLine(f"抬头 Title: {invoice.title}"),
        ReceiptLine(f"账期 Month: {invoice.month}"),
        ReceiptLine(f"开票日期 Issued: {invoice.issued_on.isoformat()}"),
        ReceiptLine(f"税额 Tax: {format_cny(invoice.tax_fen)}"),
        ReceiptLine(
            f"金额 Amount: {format_cny(invoice.amount_fen)}", Align.CENTER, bold=True, double=True
        ),
        *((ReceiptLine(f"第 {invoice.print_count} 次打印  Print no. {invoice.print_count}"),)
          if reprint else ()),
        RULE,
    )  # fmt: skip
    return ReceiptDocument(lines=lines, qr_data=f"INVOICE:{invoice.number}")


def sim_sale_receipt(
    kiosk_name: str, kiosk_id: str, txn_id: str, data: dict[str, object], at: datetime
) -> ReceiptDocument:
    """The new line's receipt: the number in full (it is the customer's new number)."""
    paid = int(str(data["paid_fen"]))
    price = int(str(data.get("price_fen", 0)))
    lines = (
        ReceiptLine(kiosk_name, Align.CENTER, bold=True),
        ReceiptLine("选号入网  New SIM card", Align.CENTER, bold=True),
        RULE,
        ReceiptLine(f"终端 Kiosk: {kiosk_id}"),
        ReceiptLine(f"时间 Time: {at.strftime('%Y-%m-%d %H:%M:%S')}"),
        ReceiptLine(f"流水号 Ref: {txn_id}"),
        ReceiptLine(f"新号码 Number: {data['msisdn']}", bold=True),
        ReceiptLine(f"SIM卡号 ICCID: {data.get('iccid', '')}"),
        ReceiptLine(f"号码费 Number fee: {format_cny(price)}"),
        ReceiptLine(f"预存话费 Opening credit: {format_cny(max(paid - price, 0))}"),
        ReceiptLine(f"实付 Paid: {format_cny(paid)}", Align.CENTER, bold=True, double=True),
        ReceiptLine("服务密码将以短信发送  Service password by SMS"),
        *_footer(),
    )
    return ReceiptDocument(lines=lines, qr_data=f"SIMSALE:{txn_id}")


def sim_replacement_receipt(
    kiosk_name: str, kiosk_id: str, txn_id: str, data: dict[str, object], at: datetime
) -> ReceiptDocument:
    """The replacement fee's receipt: the number masked (the customer knows it), the new
    card's ICCID, the fee and any excess credited to the line."""
    paid = int(str(data.get("paid_fen", 0)))
    fee = int(str(data.get("fee_fen", 0)))
    lines = (
        ReceiptLine(kiosk_name, Align.CENTER, bold=True),
        ReceiptLine("补换卡  SIM replacement", Align.CENTER, bold=True),
        RULE,
        ReceiptLine(f"终端 Kiosk: {kiosk_id}"),
        ReceiptLine(f"时间 Time: {at.strftime('%Y-%m-%d %H:%M:%S')}"),
        ReceiptLine(f"流水号 Ref: {txn_id}"),
        ReceiptLine(f"手机号码 Number: {mask_mobile(str(data.get('msisdn', '')))}"),
        ReceiptLine(f"新SIM卡号 New ICCID: {data.get('iccid', '')}"),
        ReceiptLine(f"补卡费 Replacement fee: {format_cny(fee)}"),
        ReceiptLine(f"存入话费 Credited: {format_cny(max(paid - fee, 0))}"),
        ReceiptLine(f"实付 Paid: {format_cny(paid)}", Align.CENTER, bold=True, double=True),
        ReceiptLine("原卡已停用  The old card no longer works"),
        *_footer(),
    )
    return ReceiptDocument(lines=lines, qr_data=f"SIMREPLACE:{txn_id}")


def voucher_slip(
    kiosk_name: str,
    kiosk_id: str,
    txn_id: str,
    *,
    amount_fen: int,
    reason: str,
    at: datetime,
    voucher_no: str = "",
    msisdn: str = "",
) -> ReceiptDocument:
    """Money taken for a service that was not delivered: the customer's claim on it. The
    voucher's number and the masked mobile number are what central keeps of it (voucher.v1)."""
    number = (ReceiptLine(f"凭证号 Voucher: {voucher_no}"),) if voucher_no else ()
    mobile = (ReceiptLine(f"手机号码 Number: {mask_mobile(msisdn)}"),) if msisdn else ()
    lines = (
        ReceiptLine(kiosk_name, Align.CENTER, bold=True),
        ReceiptLine("退款凭证  Refund voucher", Align.CENTER, bold=True, double=True),
        RULE,
        *number,
        ReceiptLine(f"终端 Kiosk: {kiosk_id}"),
        ReceiptLine(f"时间 Time: {at.strftime('%Y-%m-%d %H:%M:%S')}"),
        ReceiptLine(f"流水号 Ref: {txn_id}"),
        *mobile,
        ReceiptLine(f"原因 Reason: {reason}"),
        ReceiptLine(f"金额 Amount: {format_cny(amount_fen)}", Align.CENTER, bold=True, double=True),
        RULE,
        ReceiptLine("请凭此凭证到营业厅办理退款", Align.CENTER),
        ReceiptLine("Take this voucher to a service hall", Align.CENTER),
    )
    return ReceiptDocument(lines=lines, qr_data=f"VOUCHER:{voucher_no or txn_id}:{amount_fen}")
