<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>AttractScreen</name>
    <message>
        <location filename="../qml/AttractScreen.qml" line="25" />
        <source>Top up your phone with cash — any number, any time</source>
        <translation>现金充话费 — 任意号码，全天服务</translation>
    </message>
    <message>
        <location filename="../qml/AttractScreen.qml" line="41" />
        <source>Touch the screen to start</source>
        <translation>请触摸屏幕开始</translation>
    </message>
</context>
<context>
    <name>CashScreen</name>
    <message>
        <location filename="../qml/CashScreen.qml" line="16" />
        <source>Topping up %1</source>
        <translation>正在为 %1 充值</translation>
    </message>
    <message>
        <location filename="../qml/CashScreen.qml" line="37" />
        <source>Inserted</source>
        <translation>已投入</translation>
    </message>
    <message numerus="yes">
        <location filename="../qml/CashScreen.qml" line="53" />
        <source>%n note(s) accepted · up to %1 more</source>
        <translation>
            <numerusform>已收 %n 张纸币 · 最多还可投入 %1</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../qml/CashScreen.qml" line="63" />
        <source>Please wait…</source>
        <translation>请稍候…</translation>
    </message>
    <message>
        <location filename="../qml/CashScreen.qml" line="63" />
        <source>Confirm top-up of %1</source>
        <translation>确认充值 %1</translation>
    </message>
    <message>
        <location filename="../qml/CashScreen.qml" line="75" />
        <source>Simulator:</source>
        <translation>模拟器：</translation>
    </message>
</context>
<context>
    <name>Footer</name>
    <message>
        <location filename="../qml/Footer.qml" line="15" />
        <source>‹ Back</source>
        <translation>‹ 返回</translation>
    </message>
    <message>
        <location filename="../qml/Footer.qml" line="26" />
        <source>Finish</source>
        <translation>完成</translation>
    </message>
    <message>
        <location filename="../qml/Footer.qml" line="26" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>IdleWarning</name>
    <message>
        <location filename="../qml/IdleWarning.qml" line="24" />
        <source>Are you still there?</source>
        <translation>您还在吗？</translation>
    </message>
    <message>
        <location filename="../qml/IdleWarning.qml" line="32" />
        <source>Returning to the start in %1 s</source>
        <translation>%1 秒后返回首页</translation>
    </message>
    <message>
        <location filename="../qml/IdleWarning.qml" line="41" />
        <source>Continue</source>
        <translation>继续办理</translation>
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <location filename="../qml/Main.qml" line="13" />
        <source>Self-service kiosk</source>
        <translation>自助服务终端</translation>
    </message>
</context>
<context>
    <name>MenuScreen</name>
    <message>
        <location filename="../qml/MenuScreen.qml" line="15" />
        <source>Choose a service</source>
        <translation>请选择业务</translation>
    </message>
    <message>
        <location filename="../qml/MenuScreen.qml" line="26" />
        <source>Top up</source>
        <translation>话费充值</translation>
    </message>
    <message>
        <location filename="../qml/MenuScreen.qml" line="27" />
        <source>Pay cash to any mobile number</source>
        <translation>现金为任意手机号码充值</translation>
    </message>
</context>
<context>
    <name>NumberScreen</name>
    <message>
        <location filename="../qml/NumberScreen.qml" line="39" />
        <source>Mobile number</source>
        <translation>手机号码</translation>
    </message>
    <message>
        <location filename="../qml/NumberScreen.qml" line="68" />
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <location filename="../qml/NumberScreen.qml" line="51" />
        <source>Next</source>
        <translation>下一步</translation>
    </message>
</context>
<context>
    <name>OutOfServiceScreen</name>
    <message>
        <location filename="../qml/OutOfServiceScreen.qml" line="16" />
        <source>Out of service</source>
        <translation>暂停服务</translation>
    </message>
    <message>
        <location filename="../qml/OutOfServiceScreen.qml" line="29" />
        <source>Please use another kiosk or the service counter.</source>
        <translation>请使用其他终端或前往营业柜台办理。</translation>
    </message>
</context>
<context>
    <name>ResultScreen</name>
    <message>
        <location filename="../qml/ResultScreen.qml" line="30" />
        <source>%1 to %2</source>
        <translation>%1 已充值到 %2</translation>
    </message>
    <message>
        <location filename="../qml/ResultScreen.qml" line="36" />
        <source>Credited to the account</source>
        <translation>已到账</translation>
    </message>
    <message>
        <location filename="../qml/ResultScreen.qml" line="37" />
        <source>Accepted — it will be credited shortly</source>
        <translation>已受理，稍后到账</translation>
    </message>
    <message>
        <location filename="../qml/ResultScreen.qml" line="43" />
        <source>Reference: %1</source>
        <translation>流水号：%1</translation>
    </message>
</context>
<context>
    <name>Texts</name>
    <message>
        <location filename="../qml/Texts.qml" line="7" />
        <source>Enter the 11-digit mobile number to top up</source>
        <translation>请输入要充值的11位手机号码</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="8" />
        <source>That is not a valid mobile number. Please check it.</source>
        <translation>手机号码有误，请核对后重新输入。</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="9" />
        <source>Insert banknotes one at a time</source>
        <translation>请逐张投入纸币</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="10" />
        <source>Checking the note…</source>
        <translation>正在识别纸币…</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="11" />
        <source>Note accepted. Insert more, or press Confirm.</source>
        <translation>纸币已收。可继续投币，或按“确认”。</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="12" />
        <source>The note was returned. Please take it.</source>
        <translation>纸币已退回，请取走。</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="13" />
        <source>That note would go over the limit. Please take it back.</source>
        <translation>该纸币将超过充值上限，已退回，请取走。</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="14" />
        <source>The note could not be accepted. Please try another.</source>
        <translation>无法识别该纸币，请换一张再试。</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="15" />
        <source>Please insert at least one note first</source>
        <translation>请先投入至少一张纸币</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="16" />
        <source>Money has been inserted: press Confirm to top up</source>
        <translation>已投入现金，请按“确认”完成充值</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="17" />
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="18" />
        <source>Topping up and printing your receipt…</source>
        <translation>正在充值并打印凭条…</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="19" />
        <source>Top-up complete. Please take your receipt.</source>
        <translation>充值成功，请取走凭条。</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="20" />
        <source>Top-up complete. No receipt could be printed; keep the reference below.</source>
        <translation>充值成功。凭条未能打印，请记下下方流水号。</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="21" />
        <source>This kiosk cannot record transactions right now.</source>
        <translation>本终端暂时无法记录交易。</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="22" />
        <source>This kiosk is out of service.</source>
        <translation>本终端暂停服务。</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="23" />
        <source>Something went wrong. Please try again.</source>
        <translation>出现问题，请重试。</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="24" />
        <source>Cash cannot be accepted right now</source>
        <translation>暂时无法收取现金</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="25" />
        <source>Unavailable: the receipt printer is out of order</source>
        <translation>暂停办理：凭条打印机故障</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="26" />
        <source>Note: no receipt can be printed right now</source>
        <translation>提示：当前无法打印凭条</translation>
    </message>
    <message>
        <location filename="../qml/Texts.qml" line="28" />
        <source>Please wait</source>
        <translation>请稍候</translation>
    </message>
</context>
</TS>