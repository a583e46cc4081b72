<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>CashScreen</name>
    <message>
        <location filename="../qml/topup/CashScreen.qml" line="18"/>
        <source>Topping up %1</source>
        <translation>正在为 %1 充值</translation>
    </message>
    <message>
        <location filename="../qml/topup/CashScreen.qml" line="39"/>
        <source>Inserted</source>
        <translation>已投入</translation>
    </message>
    <message numerus="yes">
        <location filename="../qml/topup/CashScreen.qml" line="60"/>
        <source>%n note(s) accepted · up to %1 more</source>
        <translation>
            <numerusform>已收 %n 张纸币 · 最多还可投入 %1</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../qml/topup/CashScreen.qml" line="72"/>
        <source>Back and Cancel are off: notes cannot be given back. Press Confirm to top up %1; if you leave, it is topped up for you.</source>
        <translation>已投入纸币，无法退回，因此“返回”和“取消”不可用。请按“确认”充值 %1；如您离开，系统也会自动为您充值。</translation>
    </message>
    <message>
        <location filename="../qml/topup/CashScreen.qml" line="82"/>
        <source>Please wait…</source>
        <translation>请稍候…</translation>
    </message>
    <message>
        <location filename="../qml/topup/CashScreen.qml" line="82"/>
        <source>Confirm top-up of %1</source>
        <translation>确认充值 %1</translation>
    </message>
    <message>
        <location filename="../qml/topup/CashScreen.qml" line="98"/>
        <source>Simulator:</source>
        <translation>模拟器：</translation>
    </message>
</context>
<context>
    <name>NumberScreen</name>
    <message>
        <location filename="../qml/topup/NumberScreen.qml" line="17"/>
        <source>Top up in cash: whose mobile number?</source>
        <translation>现金充值：请输入要充值的手机号码</translation>
    </message>
</context>
<context>
    <name>ResultScreen</name>
    <message>
        <location filename="../qml/topup/ResultScreen.qml" line="28"/>
        <source>Money received: the top-up reaches the line shortly.</source>
        <translation>已收款：充值稍后到账。</translation>
    </message>
    <message>
        <location filename="../qml/topup/ResultScreen.qml" line="39"/>
        <source>%1 to %2</source>
        <translation>%1 已充值到 %2</translation>
    </message>
    <message>
        <location filename="../qml/topup/ResultScreen.qml" line="49"/>
        <source>Credited to the account</source>
        <translation>已到账</translation>
    </message>
    <message>
        <location filename="../qml/topup/ResultScreen.qml" line="50"/>
        <source>Please take your receipt.</source>
        <translation>请取走凭条。</translation>
    </message>
    <message>
        <location filename="../qml/topup/ResultScreen.qml" line="51"/>
        <source>No receipt could be printed; keep the reference below.</source>
        <translation>凭条未能打印，请记下下方参考号。</translation>
    </message>
    <message>
        <location filename="../qml/topup/ResultScreen.qml" line="57"/>
        <source>Reference: %1</source>
        <translation>流水号：%1</translation>
    </message>
</context>
<context>
    <name>TopupTexts</name>
    <message>
        <location filename="../qml/topup/TopupTexts.qml" line="7"/>
        <source>Enter the 11-digit mobile number to top up</source>
        <translation>请输入要充值的11位手机号码</translation>
    </message>
    <message>
        <location filename="../qml/topup/TopupTexts.qml" line="8"/>
        <source>That is not a valid mobile number. Please check it.</source>
        <translation>手机号码有误，请核对后重新输入。</translation>
    </message>
    <message>
        <location filename="../qml/topup/TopupTexts.qml" line="9"/>
        <source>Insert banknotes one at a time</source>
        <translation>请逐张投入纸币</translation>
    </message>
    <message>
        <location filename="../qml/topup/TopupTexts.qml" line="10"/>
        <source>Checking the note…</source>
        <translation>正在识别纸币…</translation>
    </message>
    <message>
        <location filename="../qml/topup/TopupTexts.qml" line="11"/>
        <source>Note accepted. Insert more, or press Confirm.</source>
        <translation>纸币已收。可继续放入纸币，或按“确认”。</translation>
    </message>
    <message>
        <location filename="../qml/topup/TopupTexts.qml" line="12"/>
        <source>The note was returned. Please take it.</source>
        <translation>纸币已退回，请取走。</translation>
    </message>
    <message>
        <location filename="../qml/topup/TopupTexts.qml" line="13"/>
        <source>That note would go over the limit. Please take it back.</source>
        <translation>该纸币将超过充值上限，已退回，请取走。</translation>
    </message>
    <message>
        <location filename="../qml/topup/TopupTexts.qml" line="14"/>
        <source>The note could not be accepted. Please try another.</source>
        <translation>无法识别该纸币，请换一张再试。</translation>
    </message>
    <message>
        <location filename="../qml/topup/TopupTexts.qml" line="15"/>
        <source>That amount is outside the limits shown. Please choose another.</source>
        <translation>该金额超出限额，请重新选择。</translation>
    </message>
    <message>
        <location filename="../qml/topup/TopupTexts.qml" line="16"/>
        <source>Please insert at least one note first</source>
        <translation>请先投入至少一张纸币</translation>
    </message>
    <message>
        <location filename="../qml/topup/TopupTexts.qml" line="17"/>
        <source>Money has been inserted: press Confirm to top up</source>
        <translation>已投入现金，请按“确认”完成充值</translation>
    </message>
    <message>
        <location filename="../qml/topup/TopupTexts.qml" line="18"/>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <location filename="../qml/topup/TopupTexts.qml" line="19"/>
        <source>Topping up and printing your receipt…</source>
        <translation>正在充值并打印凭条…</translation>
    </message>
    <message>
        <location filename="../qml/topup/TopupTexts.qml" line="20"/>
        <source>Top-up complete. Please take your receipt.</source>
        <translation>充值成功，请取走凭条。</translation>
    </message>
    <message>
        <location filename="../qml/topup/TopupTexts.qml" line="21"/>
        <source>Top-up complete. No receipt could be printed; keep the reference below.</source>
        <translation>充值成功。凭条未能打印，请记下下方流水号。</translation>
    </message>
</context>
</TS>
