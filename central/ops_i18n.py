"""Every text of the ops console in Chinese and English, from this one catalogue.

Chinese is the default; `lang=en` (a query parameter, remembered in a cookie) switches. A key
missing from the catalogue is a KeyError in tests, never a blank on the page.
"""

from __future__ import annotations

from typing import Final, Literal

Lang = Literal["zh", "en"]
LANGS: Final[tuple[Lang, ...]] = ("zh", "en")
DEFAULT_LANG: Final[Lang] = "zh"
LANG_COOKIE: Final = "ops_lang"

CATALOGUE: Final[dict[str, tuple[str, str]]] = {
    # layout
    "app.title": ("自助终端运维台", "Kiosk ops console"),
    "nav.overview": ("总览", "Overview"),
    "nav.kiosks": ("终端列表", "Kiosks"),
    "nav.switch": ("English", "中文"),
    "generated": ("生成于 {at}（北京时间）", "Generated {at} (China Standard Time)"),
    "scope.all": ("全网", "Whole fleet"),
    "scope.unassigned": ("未分组", "Unassigned"),
    "scope.label": ("范围", "Scope"),
    # overview
    "overview.title": ("运维总览", "Fleet overview"),
    "overview.kiosks": ("终端", "Kiosks"),
    "status.online": ("在线", "Online"),
    "status.offline": ("离线", "Offline"),
    "status.out_of_service": ("暂停服务", "Out of service"),
    "status.never": ("从未上报", "Never reported"),
    "overview.alerts": ("告警", "Alerts"),
    "level.error": ("故障", "Error"),
    "level.warning": ("警告", "Warning"),
    "level.unknown": ("无应答", "Not answering"),
    "overview.kiosks_with": ("{n} 台终端", "{n} kiosks"),
    "overview.cash": ("钱箱现金", "Cash in boxes"),
    "overview.queue": ("待上传 {pending} 笔，死信 {dead} 笔", "{pending} queued, {dead} dead"),
    "overview.today": ("今日业务", "Today's business"),
    "overview.payments": ("交费 {count} 笔，{amount}", "{count} payments, {amount}"),
    "overview.sessions": (
        "发起 {started} 次，完成 {completed} 次",
        "{started} sessions started, {completed} completed",
    ),
    "overview.diversion_today": ("今日分流率", "Diversion rate today"),
    "overview.groups": ("分组", "Groups"),
    "chart.amount": ("近 30 天交费金额（按支付方式）", "Payments, last 30 days, by method"),
    "chart.count": ("近 30 天交费笔数", "Number of payments, last 30 days"),
    "chart.diversion": ("近 30 天分流率", "Diversion rate, last 30 days"),
    "chart.empty": ("暂无数据", "No data yet"),
    "method.cash": ("现金", "Cash"),
    "method.card": ("银行卡", "Card"),
    "method.qr": ("扫码", "QR code"),
    "method.other": ("其他", "Other"),
    "service.topup": ("话费充值", "Top-up"),
    "service.bill": ("账单缴费", "Bill payment"),
    "service.sim_sale": ("办卡", "SIM sale"),
    "service.sim_replacement": ("补换卡", "SIM replacement"),
    "col.group": ("分组", "Group"),
    "col.kiosks": ("终端数", "Kiosks"),
    "col.online": ("在线", "Online"),
    "col.alerts": ("告警", "Alerts"),
    "col.cash": ("钱箱", "Cash box"),
    "col.today_amount": ("今日交费", "Paid today"),
    "col.month_amount": ("30 天交费", "Paid, 30 days"),
    "col.diversion": ("30 天分流率", "Diversion, 30 days"),
    "diversion.note": (
        "分流率 = 终端上完成的客户会话 ÷ 终端上发起的客户会话（终端心跳上报的计数）："
        "在自助终端办结、未转柜台的客户占比。",
        "Diversion rate = customer sessions completed at kiosks ÷ sessions started there "
        "(the counts kiosks report in their heartbeats): the share of customers served by "
        "self-service instead of being sent to a counter.",
    ),
    # list
    "list.title": ("终端列表", "Kiosks"),
    "list.search": ("终端编号", "Kiosk id"),
    "list.filter": ("筛选", "Filter"),
    "list.any": ("全部", "Any"),
    "list.status": ("状态", "Status"),
    "list.alert": ("告警", "Alert"),
    "alert.any": ("有告警", "Any alert"),
    "alert.error": ("有故障", "An error"),
    "alert.warning": ("有警告", "A warning"),
    "alert.none": ("无告警", "No alert"),
    "alert.dead": ("有死信", "Dead letters"),
    "list.version": ("软件版本", "Software version"),
    "list.region": ("大区", "Region"),
    "list.city": ("城市", "City"),
    "list.hall": ("营业厅", "Hall"),
    "list.found": ("共 {total} 台，第 {page}/{pages} 页", "{total} kiosks, page {page} of {pages}"),
    "list.prev": ("上一页", "Previous"),
    "list.next": ("下一页", "Next"),
    "list.none": ("没有符合条件的终端", "No kiosk matches"),
    "col.kiosk": ("终端", "Kiosk"),
    "col.status": ("状态", "Status"),
    "col.place": ("位置", "Location"),
    "col.version": ("版本", "Version"),
    "col.last_seen": ("最近心跳", "Last heartbeat"),
    "col.queue": ("待上传/死信", "Queued/dead"),
    "never": ("从未", "never"),
    # kiosk page
    "kiosk.title": ("终端 {kiosk}", "Kiosk {kiosk}"),
    "kiosk.health": ("健康状况", "Health"),
    "kiosk.devices": ("设备", "Devices"),
    "kiosk.no_alerts": ("设备正常", "All devices fine"),
    "kiosk.uptime": ("运行时长", "Uptime"),
    "kiosk.disk": ("磁盘剩余", "Disk free"),
    "kiosk.timeline": ("健康时间线（近 24 小时）", "Health timeline (last 24 hours)"),
    "kiosk.events": ("健康事件", "Health events"),
    "kiosk.no_events": ("暂无事件", "No events"),
    "kiosk.queue": ("上传队列", "Outbox"),
    "kiosk.queue_detail": (
        "待上传 {pending} 笔，死信 {dead} 笔，最早一笔已等待 {oldest}，最近上传成功 {last}",
        "{pending} queued, {dead} dead, oldest waiting {oldest}, last delivered {last}",
    ),
    "kiosk.cash": ("钱箱与清机", "Cash box and collections"),
    "kiosk.collections": ("清机记录", "Collections"),
    "kiosk.today": ("今日交易", "Today's transactions"),
    "kiosk.no_transactions": ("今日暂无交易", "No transactions today"),
    "kiosk.vouchers": ("待结算凭证", "Vouchers to settle"),
    "kiosk.no_vouchers": ("无凭证", "No vouchers"),
    "kiosk.maintenance": ("维护记录", "Maintenance log"),
    "kiosk.no_maintenance": ("无维护记录", "No maintenance"),
    "kiosk.commands": ("远程指令", "Remote commands"),
    "kiosk.no_commands": ("无远程指令", "No remote commands"),
    "kiosk.logs": ("日志上传", "Log uploads"),
    "kiosk.no_logs": ("无日志上传", "No log uploads"),
    "kiosk.errors": ("最近错误", "Latest errors"),
    "col.time": ("时间", "Time"),
    "col.event": ("事件", "Event"),
    "col.level": ("级别", "Level"),
    "col.detail": ("说明", "Detail"),
    "col.service": ("业务", "Service"),
    "col.method": ("支付方式", "Method"),
    "col.amount": ("金额", "Amount"),
    "col.number": ("号码", "Number"),
    "col.result": ("结果", "Result"),
    "col.voucher": ("凭证号", "Voucher"),
    "col.reason": ("原因", "Reason"),
    "col.action": ("操作", "Action"),
    "col.technician": ("维护人员", "Technician"),
    "col.command": ("指令", "Command"),
    "col.issued": ("下发时间", "Issued"),
    "col.sent": ("首次送达", "First sent"),
    "col.acked": ("终端确认", "Acknowledged"),
    "col.lines": ("行数", "Lines"),
    "col.denomination": ("面额", "Denomination"),
    "col.count": ("张数", "Count"),
    "remote": ("远程/系统", "remote/system"),
    "pending": ("未确认", "pending"),
    "event.first_heartbeat": ("首次心跳", "First heartbeat"),
    "event.offline": ("离线 {duration}", "Offline for {duration}"),
    "event.out_of_service": ("暂停服务", "Out of service"),
    "event.back_in_service": ("恢复服务", "Back in service"),
    "event.version": ("软件更新 {detail}", "Software updated {detail}"),
    "event.device": ("{device}：{code}", "{device}: {code}"),
    "ago.s": ("{n} 秒前", "{n} s ago"),
    "ago.min": ("{n} 分钟前", "{n} min ago"),
    "ago.h": ("{n} 小时前", "{n} h ago"),
    "ago.d": ("{n} 天前", "{n} d ago"),
    "span.s": ("{n} 秒", "{n} s"),
    "span.min": ("{n} 分钟", "{n} min"),
    "span.h": ("{n} 小时 {m} 分钟", "{n} h {m} min"),
    "span.d": ("{n} 天 {h} 小时", "{n} d {h} h"),
}


def text(lang: Lang, key: str, **values: object) -> str:
    """The text of `key` in `lang`, with `values` put in its {placeholders}."""
    zh, en = CATALOGUE[key]
    template = zh if lang == "zh" else en
    return template.format(**values) if values else template


def pick_lang(query: str | None, cookie: str | None) -> Lang:
    """The query parameter first, then the remembered cookie, then Chinese."""
    for value in (query, cookie):
        if value == "zh":
            return "zh"
        if value == "en":
            return "en"
    return DEFAULT_LANG
