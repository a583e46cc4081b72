<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AccountBillScreen</name>
    <message>
        <location filename="../qml/account/AccountBillScreen.qml" line="54"/>
        <source>Bill for %1</source>
        <translation>%1 账单</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountBillScreen.qml" line="89"/>
        <source>Total</source>
        <translation>合计</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountBillScreen.qml" line="107"/>
        <source>Paid</source>
        <translation>已缴清</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountBillScreen.qml" line="107"/>
        <source>Not paid yet</source>
        <translation>尚未缴费</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountBillScreen.qml" line="122"/>
        <source>Print this bill</source>
        <translation>打印该月账单</translation>
    </message>
</context>
<context>
    <name>AccountInvoicesScreen</name>
    <message>
        <location filename="../qml/account/AccountInvoicesScreen.qml" line="76"/>
        <source>No. %1</source>
        <translation>发票号码 %1</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountInvoicesScreen.qml" line="87"/>
        <source>Times printed: %1</source>
        <translation>已打印 %1 次</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountInvoicesScreen.qml" line="88"/>
        <source>Not printed yet</source>
        <translation>尚未打印</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountInvoicesScreen.qml" line="111"/>
        <source>incl. tax %1</source>
        <translation>含税 %1</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountInvoicesScreen.qml" line="124"/>
        <source>Reprint</source>
        <translation>补打</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountInvoicesScreen.qml" line="124"/>
        <source>Print</source>
        <translation>打印</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountInvoicesScreen.qml" line="135"/>
        <source>No invoices</source>
        <translation>没有发票</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountInvoicesScreen.qml" line="146"/>
        <source>Try again</source>
        <translation>重试</translation>
    </message>
</context>
<context>
    <name>AccountOverviewScreen</name>
    <message>
        <location filename="../qml/account/AccountOverviewScreen.qml" line="46"/>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountOverviewScreen.qml" line="53"/>
        <source>Balance</source>
        <translation>账户余额</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountOverviewScreen.qml" line="74"/>
        <source>Plan: %1</source>
        <translation>套餐：%1</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountOverviewScreen.qml" line="75"/>
        <source>Active</source>
        <translation>正常</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountOverviewScreen.qml" line="75"/>
        <source>Suspended</source>
        <translation>停机</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountOverviewScreen.qml" line="96"/>
        <source>Latest bill: %1</source>
        <translation>最近账单：%1</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountOverviewScreen.qml" line="97"/>
        <source>Latest bill</source>
        <translation>最近账单</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountOverviewScreen.qml" line="115"/>
        <source>Paid</source>
        <translation>已缴清</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountOverviewScreen.qml" line="115"/>
        <source>Not paid yet</source>
        <translation>尚未缴费</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountOverviewScreen.qml" line="133"/>
        <source>Monthly bill</source>
        <translation>月账单</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountOverviewScreen.qml" line="141"/>
        <source>Call records</source>
        <translation>详单查询</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountOverviewScreen.qml" line="150"/>
        <source>Print balance</source>
        <translation>打印余额</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountOverviewScreen.qml" line="161"/>
        <source>Try again</source>
        <translation>重试</translation>
    </message>
</context>
<context>
    <name>AccountPager</name>
    <message>
        <location filename="../qml/account/AccountPager.qml" line="27"/>
        <source>‹ Previous</source>
        <translation>‹ 上一页</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountPager.qml" line="36"/>
        <source>Page %1 of %2</source>
        <translation>第 %1 页，共 %2 页</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountPager.qml" line="47"/>
        <source>Next ›</source>
        <translation>下一页 ›</translation>
    </message>
</context>
<context>
    <name>AccountPrintResult</name>
    <message>
        <location filename="../qml/account/AccountPrintResult.qml" line="26"/>
        <source>Records printed: %1. Please take them from the slot below the screen.</source>
        <translation>已打印 %1 条记录，请从屏幕下方出纸口取走。</translation>
    </message>
</context>
<context>
    <name>AccountRecordsScreen</name>
    <message>
        <location filename="../qml/account/AccountRecordsScreen.qml" line="66"/>
        <source>Print</source>
        <translation>打印</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountRecordsScreen.qml" line="67"/>
        <source>this month and type</source>
        <translation>所选月份和类型</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountRecordsScreen.qml" line="100"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountRecordsScreen.qml" line="100"/>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountRecordsScreen.qml" line="100"/>
        <source>Direction</source>
        <translation>方向</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountRecordsScreen.qml" line="101"/>
        <source>Other party</source>
        <translation>对方号码</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountRecordsScreen.qml" line="101"/>
        <source>Usage</source>
        <translation>时长/流量</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountRecordsScreen.qml" line="101"/>
        <source>Charge</source>
        <translation>费用</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountRecordsScreen.qml" line="161"/>
        <source>No records</source>
        <translation>没有记录</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountRecordsScreen.qml" line="172"/>
        <source>Try again</source>
        <translation>重试</translation>
    </message>
</context>
<context>
    <name>AccountTexts</name>
    <message>
        <location filename="../qml/account/AccountTexts.qml" line="8"/>
        <source>Getting your account details…</source>
        <translation>正在查询您的账户信息…</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountTexts.qml" line="9"/>
        <source>Choose what to see or print</source>
        <translation>请选择要查看或打印的内容</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountTexts.qml" line="10"/>
        <source>Choose a month to see its bill</source>
        <translation>请选择要查看的月份</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountTexts.qml" line="11"/>
        <source>Choose a month and a type. Turn pages with Previous and Next.</source>
        <translation>请选择月份和类型，用“上一页”“下一页”翻页。</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountTexts.qml" line="12"/>
        <source>There are no records for this month and type</source>
        <translation>该月份和类型没有记录</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountTexts.qml" line="13"/>
        <source>Tap Print next to the invoice you want</source>
        <translation>请点击所需发票旁的“打印”</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountTexts.qml" line="14"/>
        <source>There are no invoices to print</source>
        <translation>没有可打印的发票</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountTexts.qml" line="15"/>
        <source>Printing…</source>
        <translation>正在打印…</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountTexts.qml" line="16"/>
        <location filename="../qml/account/AccountTexts.qml" line="17"/>
        <source>Printed. Please take it from the slot below the screen.</source>
        <translation>打印完成，请从屏幕下方出纸口取走。</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountTexts.qml" line="18"/>
        <source>The printer is out of paper, so nothing was printed. Please ask the staff for help.</source>
        <translation>打印机缺纸，未能打印。请联系工作人员。</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountTexts.qml" line="19"/>
        <source>The printer is almost out of paper.</source>
        <translation>打印机纸张即将用完。</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountTexts.qml" line="20"/>
        <source>The printer cover is open, so nothing was printed. Please ask the staff for help.</source>
        <translation>打印机盖未关好，未能打印。请联系工作人员。</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountTexts.qml" line="27"/>
        <source>The printer is not working, so nothing was printed. Please ask the staff for help.</source>
        <translation>打印机故障，未能打印。请联系工作人员。</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountTexts.qml" line="28"/>
        <source>The service centre cannot be reached. Please try again later.</source>
        <translation>暂时无法连接业务中心，请稍后再试。</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountTexts.qml" line="29"/>
        <source>There is no bill for that month</source>
        <translation>该月份没有账单</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountTexts.qml" line="30"/>
        <source>That invoice could not be found</source>
        <translation>找不到该发票</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountTexts.qml" line="41"/>
        <source>%1-%2</source>
        <comment>year-month</comment>
        <translation>%1年%2月</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountTexts.qml" line="48"/>
        <source>Jan</source>
        <translation>1月</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountTexts.qml" line="49"/>
        <source>Feb</source>
        <translation>2月</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountTexts.qml" line="50"/>
        <source>Mar</source>
        <translation>3月</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountTexts.qml" line="51"/>
        <source>Apr</source>
        <translation>4月</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountTexts.qml" line="52"/>
        <source>May</source>
        <translation>5月</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountTexts.qml" line="53"/>
        <source>Jun</source>
        <translation>6月</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountTexts.qml" line="54"/>
        <source>Jul</source>
        <translation>7月</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountTexts.qml" line="55"/>
        <source>Aug</source>
        <translation>8月</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountTexts.qml" line="56"/>
        <source>Sep</source>
        <translation>9月</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountTexts.qml" line="57"/>
        <source>Oct</source>
        <translation>10月</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountTexts.qml" line="58"/>
        <source>Nov</source>
        <translation>11月</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountTexts.qml" line="59"/>
        <source>Dec</source>
        <translation>12月</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountTexts.qml" line="67"/>
        <source>Calls</source>
        <translation>通话</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountTexts.qml" line="68"/>
        <source>Texts</source>
        <translation>短信</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountTexts.qml" line="69"/>
        <source>Data</source>
        <translation>上网</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountTexts.qml" line="70"/>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountTexts.qml" line="77"/>
        <source>Internet</source>
        <translation>上网</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountTexts.qml" line="79"/>
        <source>Sent</source>
        <translation>发送</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountTexts.qml" line="79"/>
        <source>Received</source>
        <translation>接收</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountTexts.qml" line="80"/>
        <source>Outgoing</source>
        <translation>主叫</translation>
    </message>
    <message>
        <location filename="../qml/account/AccountTexts.qml" line="80"/>
        <source>Incoming</source>
        <translation>被叫</translation>
    </message>
</context>
</TS>
