<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AttractScreen</name>
    <message>
        <location filename="../qml/AttractScreen.qml" line="60"/>
        <source>Mobile services, any time</source>
        <translation>移动服务，随时为您</translation>
    </message>
    <message>
        <location filename="../qml/AttractScreen.qml" line="70"/>
        <source>Top up, pay bills, print records, get a new SIM card</source>
        <translation>充值缴费、打印详单、办理新卡</translation>
    </message>
    <message>
        <location filename="../qml/AttractScreen.qml" line="95"/>
        <source>Touch the screen to start</source>
        <translation>请触摸屏幕开始</translation>
    </message>
    <message>
        <location filename="../qml/AttractScreen.qml" line="95"/>
        <source>Starting up, one moment</source>
        <translation>正在启动，请稍候</translation>
    </message>
</context>
<context>
    <name>BusyOverlay</name>
    <message>
        <location filename="../qml/BusyOverlay.qml" line="54"/>
        <source>Please wait…</source>
        <translation>请稍候…</translation>
    </message>
</context>
<context>
    <name>Footer</name>
    <message>
        <location filename="../qml/Footer.qml" line="16"/>
        <source>‹ Back</source>
        <translation>‹ 返回</translation>
    </message>
    <message>
        <location filename="../qml/Footer.qml" line="27"/>
        <source>Finish</source>
        <translation>完成</translation>
    </message>
    <message>
        <location filename="../qml/Footer.qml" line="27"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>Header</name>
    <message>
        <location filename="../qml/Header.qml" line="30"/>
        <source>Logged in: %1</source>
        <translation>已登录：%1</translation>
    </message>
</context>
<context>
    <name>IdleWarning</name>
    <message>
        <location filename="../qml/IdleWarning.qml" line="24"/>
        <source>Are you still there?</source>
        <translation>您还在吗？</translation>
    </message>
    <message>
        <location filename="../qml/IdleWarning.qml" line="32"/>
        <source>Returning to the start in %1 s</source>
        <translation>%1 秒后返回首页</translation>
    </message>
    <message>
        <location filename="../qml/IdleWarning.qml" line="41"/>
        <source>Continue</source>
        <translation>继续办理</translation>
    </message>
</context>
<context>
    <name>Keypad</name>
    <message>
        <location filename="../qml/Keypad.qml" line="21"/>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <location filename="../qml/Main.qml" line="14"/>
        <source>Self-service kiosk</source>
        <translation>自助服务终端</translation>
    </message>
</context>
<context>
    <name>MenuScreen</name>
    <message>
        <location filename="../qml/MenuScreen.qml" line="22"/>
        <source>Choose a service</source>
        <translation>请选择业务</translation>
    </message>
</context>
<context>
    <name>OutOfServiceScreen</name>
    <message>
        <location filename="../qml/OutOfServiceScreen.qml" line="19"/>
        <source>Out of service</source>
        <translation>暂停服务</translation>
    </message>
    <message>
        <location filename="../qml/OutOfServiceScreen.qml" line="38"/>
        <source>Please use another kiosk or the service counter.</source>
        <translation>请使用其他终端或前往营业柜台办理。</translation>
    </message>
</context>
<context>
    <name>ScrollHint</name>
    <message>
        <location filename="../qml/ScrollHint.qml" line="29"/>
        <source>▲ Swipe down to see the top</source>
        <translation>▲ 向下滑动可回到顶部</translation>
    </message>
    <message>
        <location filename="../qml/ScrollHint.qml" line="30"/>
        <source>▼ More below: swipe up to see it</source>
        <translation>▼ 下方还有内容：向上滑动查看</translation>
    </message>
</context>
<context>
    <name>StepStrip</name>
    <message>
        <location filename="../qml/StepStrip.qml" line="18"/>
        <location filename="../qml/StepStrip.qml" line="23"/>
        <location filename="../qml/StepStrip.qml" line="26"/>
        <location filename="../qml/StepStrip.qml" line="35"/>
        <source>Number</source>
        <translation>号码</translation>
    </message>
    <message>
        <location filename="../qml/StepStrip.qml" line="18"/>
        <location filename="../qml/StepStrip.qml" line="26"/>
        <source>Insert cash</source>
        <translation>投入纸币</translation>
    </message>
    <message>
        <location filename="../qml/StepStrip.qml" line="18"/>
        <location filename="../qml/StepStrip.qml" line="23"/>
        <location filename="../qml/StepStrip.qml" line="26"/>
        <location filename="../qml/StepStrip.qml" line="32"/>
        <location filename="../qml/StepStrip.qml" line="35"/>
        <location filename="../qml/StepStrip.qml" line="41"/>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <location filename="../qml/StepStrip.qml" line="23"/>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <location filename="../qml/StepStrip.qml" line="23"/>
        <location filename="../qml/StepStrip.qml" line="26"/>
        <source>Pay by card</source>
        <translation>刷卡支付</translation>
    </message>
    <message>
        <location filename="../qml/StepStrip.qml" line="26"/>
        <source>Bill</source>
        <translation>账单</translation>
    </message>
    <message>
        <location filename="../qml/StepStrip.qml" line="32"/>
        <location filename="../qml/StepStrip.qml" line="35"/>
        <source>ID card</source>
        <translation>身份证</translation>
    </message>
    <message>
        <location filename="../qml/StepStrip.qml" line="32"/>
        <source>Confirm</source>
        <translation>确认</translation>
    </message>
    <message>
        <location filename="../qml/StepStrip.qml" line="32"/>
        <location filename="../qml/StepStrip.qml" line="35"/>
        <source>Pay</source>
        <translation>付款</translation>
    </message>
    <message>
        <location filename="../qml/StepStrip.qml" line="32"/>
        <location filename="../qml/StepStrip.qml" line="35"/>
        <source>SIM card</source>
        <translation>领取SIM卡</translation>
    </message>
    <message>
        <location filename="../qml/StepStrip.qml" line="35"/>
        <source>Agreement</source>
        <translation>协议</translation>
    </message>
    <message>
        <location filename="../qml/StepStrip.qml" line="41"/>
        <source>Choose a plan</source>
        <translation>选择套餐</translation>
    </message>
    <message>
        <location filename="../qml/StepStrip.qml" line="41"/>
        <source>Choose a service</source>
        <translation>选择业务</translation>
    </message>
    <message>
        <location filename="../qml/StepStrip.qml" line="41"/>
        <source>Confirm with the code</source>
        <translation>验证码确认</translation>
    </message>
    <message>
        <location filename="../qml/StepStrip.qml" line="80"/>
        <source>%1 · step %2 of %3: %4</source>
        <translation>%1 · 第 %2 步，共 %3 步：%4</translation>
    </message>
</context>
<context>
    <name>TakeYourThings</name>
    <message>
        <location filename="../qml/TakeYourThings.qml" line="16"/>
        <source>your new SIM card</source>
        <translation>新的SIM卡</translation>
    </message>
    <message>
        <location filename="../qml/TakeYourThings.qml" line="17"/>
        <source>your ID card</source>
        <translation>您的身份证</translation>
    </message>
    <message>
        <location filename="../qml/TakeYourThings.qml" line="18"/>
        <source>your bank card</source>
        <translation>您的银行卡</translation>
    </message>
    <message>
        <location filename="../qml/TakeYourThings.qml" line="19"/>
        <source>your receipt</source>
        <translation>凭条</translation>
    </message>
    <message>
        <location filename="../qml/TakeYourThings.qml" line="20"/>
        <source>your voucher</source>
        <translation>退款凭证</translation>
    </message>
    <message>
        <location filename="../qml/TakeYourThings.qml" line="29"/>
        <source>Before you go, please take:</source>
        <translation>离开前请取走：</translation>
    </message>
</context>
<context>
    <name>Texts</name>
    <message>
        <location filename="../qml/Texts.qml" line="38"/>
        <location filename="../qml/Texts.qml" line="43"/>
        <source>This kiosk cannot record transactions right now.</source>
        <translation>本终端暂时无法记录交易。</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="39"/>
        <source>This kiosk is out of service.</source>
        <translation>本终端暂停服务。</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="40"/>
        <source>Something went wrong. Please try again.</source>
        <translation>出现问题，请重试。</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="41"/>
        <source>The service centre cannot be reached right now. Please try again later.</source>
        <translation>暂时无法连接业务中心，请稍后再试。</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="42"/>
        <source>The service centre refused the request.</source>
        <translation>业务中心拒绝了本次请求。</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="44"/>
        <source>This step is not possible now. Please start again.</source>
        <translation>当前无法进行此操作，请重新开始。</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="45"/>
        <source>Cash cannot be accepted right now</source>
        <translation>暂时无法收取现金</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="46"/>
        <source>Unavailable: the receipt printer is out of order</source>
        <translation>暂停办理：凭条打印机故障</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="47"/>
        <source>Note: no receipt can be printed right now</source>
        <translation>提示：当前无法打印凭条</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="48"/>
        <source>Bank cards cannot be accepted right now</source>
        <translation>暂时无法使用银行卡</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="49"/>
        <source>Unavailable: the ID card reader is out of order</source>
        <translation>暂停服务：身份证阅读器故障</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="50"/>
        <source>Unavailable: the SIM card writer is out of order</source>
        <translation>暂停服务：写卡器故障</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="51"/>
        <source>Unavailable: no SIM cards can be dispensed</source>
        <translation>暂停服务：暂无可发放的SIM卡</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="52"/>
        <source>Unavailable while the network is down</source>
        <translation>网络中断，暂停服务</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="53"/>
        <source>Unavailable: no way to pay right now</source>
        <translation>暂停服务：暂时无法付款</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="54"/>
        <source>This service is not available</source>
        <translation>该业务暂不可用</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="55"/>
        <source>This service is not offered here</source>
        <translation>本终端不提供该业务</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="56"/>
        <source>This kiosk has no device for this service</source>
        <translation>本终端没有办理该业务的设备</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="57"/>
        <source>Note: nothing can be printed right now</source>
        <translation>提示：暂时无法打印</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="58"/>
        <source>A note is stuck in the acceptor. Your money is safe; please ask the staff for help.</source>
        <translation>纸币卡在识币器中。您的钱款安全，请联系工作人员。</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="59"/>
        <source>The cash box is full: no more notes can be taken. Your money so far is safe.</source>
        <translation>钱箱已满，无法继续收取纸币。已投入的钱款安全。</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="60"/>
        <source>The cash box is open: no notes can be taken right now.</source>
        <translation>钱箱未关好，暂时无法收取纸币。</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="61"/>
        <source>The note could not be accepted. Please ask the staff for help.</source>
        <translation>无法接收该纸币，请联系工作人员。</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="64"/>
        <source>The note acceptor is not working. Your money so far is safe.</source>
        <translation>识币器故障。已投入的钱款安全。</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="65"/>
        <source>Please insert one note at a time</source>
        <translation>请逐张投入纸币</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="67"/>
        <source>The note acceptor is starting, please wait…</source>
        <translation>识币器正在启动，请稍候…</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="72"/>
        <source>Your session has ended. Please start again.</source>
        <translation>本次服务已结束，请重新开始。</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="73"/>
        <source>Please log in first</source>
        <translation>请先登录</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="32"/>
        <source>Please wait</source>
        <translation>请稍候</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="84"/>
        <source>Mobile services self-service kiosk</source>
        <translation>移动业务自助服务终端</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="91"/>
        <source>Top up</source>
        <translation>话费充值</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="92"/>
        <source>Top up by card</source>
        <translation>银行卡充值</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="93"/>
        <source>Pay bill</source>
        <translation>缴纳话费账单</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="94"/>
        <source>Pay bill by card</source>
        <translation>银行卡缴费</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="95"/>
        <source>Balance and bills</source>
        <translation>余额与账单</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="96"/>
        <source>Print invoice</source>
        <translation>打印发票</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="97"/>
        <source>Change plan</source>
        <translation>套餐变更</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="98"/>
        <source>Services on/off</source>
        <translation>业务开通/关闭</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="99"/>
        <source>New SIM card</source>
        <translation>新号入网</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="100"/>
        <source>Replace SIM card</source>
        <translation>补换SIM卡</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="108"/>
        <source>Pay cash to any mobile number</source>
        <translation>现金为任意手机号码充值</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="109"/>
        <source>Pay with a bank card</source>
        <translation>使用银行卡支付</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="110"/>
        <source>Pay this month&apos;s bill in cash</source>
        <translation>现金缴纳本月账单</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="111"/>
        <source>Pay this month&apos;s bill by card</source>
        <translation>银行卡缴纳本月账单</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="112"/>
        <source>Balance, bills and call records</source>
        <translation>余额、账单和通话详单</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="113"/>
        <source>Print a VAT invoice</source>
        <translation>打印增值税发票</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="114"/>
        <source>See plans and switch</source>
        <translation>查看并更换套餐</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="115"/>
        <source>Data packs, roaming and more</source>
        <translation>流量包、国际漫游等</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="116"/>
        <source>Choose a number, get a SIM card</source>
        <translation>自选号码，即时领卡</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="117"/>
        <source>Lost or broken SIM card</source>
        <translation>SIM卡丢失或损坏</translation>
    </message>
</context>
</TS>
