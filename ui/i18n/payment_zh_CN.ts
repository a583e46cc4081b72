<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AmountChoice</name>
    <message>
        <location filename="../qml/payment/AmountChoice.qml" line="52"/>
        <source>Or type an amount in yuan (%1)</source>
        <translation>或在键盘上输入金额（元，%1）</translation>
    </message>
    <message>
        <location filename="../qml/payment/AmountChoice.qml" line="71"/>
        <source>Other amount</source>
        <translation>其他金额</translation>
    </message>
</context>
<context>
    <name>BillCashScreen</name>
    <message>
        <location filename="../qml/payment/BillCashScreen.qml" line="24"/>
        <source>Bill for %1: %2</source>
        <translation>%1 的话费：%2</translation>
    </message>
    <message>
        <location filename="../qml/payment/BillCashScreen.qml" line="49"/>
        <source>Inserted</source>
        <translation>已投入</translation>
    </message>
    <message>
        <location filename="../qml/payment/BillCashScreen.qml" line="76"/>
        <source>Still to pay</source>
        <translation>还需支付</translation>
    </message>
    <message>
        <location filename="../qml/payment/BillCashScreen.qml" line="102"/>
        <source>%1 above the bill will be added to your balance.</source>
        <translation>超出话费的 %1 将存入您的账户余额。</translation>
    </message>
    <message>
        <location filename="../qml/payment/BillCashScreen.qml" line="103"/>
        <source>No change is given: anything above the amount due goes to your balance.</source>
        <translation>本机不找零：超出应缴金额的部分将存入您的账户余额。</translation>
    </message>
    <message>
        <location filename="../qml/payment/BillCashScreen.qml" line="114"/>
        <source>This line is suspended: it is turned back on only once the whole bill is paid. Less than that is credited, and the line stays suspended.</source>
        <translation>该号码已停机：须缴清全部欠费才会复机。不足部分计入余额，号码仍保持停机。</translation>
    </message>
    <message>
        <location filename="../qml/payment/BillCashScreen.qml" line="126"/>
        <source>Back and Cancel are off: notes cannot be given back. Press Pay now to pay %1 towards the bill; if you leave, it is paid in for you.</source>
        <translation>已投入纸币，无法退回，因此“返回”和“取消”不可用。请按下方缴费按钮，将 %1 用于缴费；如您离开，系统也会自动为您缴入。</translation>
    </message>
    <message>
        <location filename="../qml/payment/BillCashScreen.qml" line="136"/>
        <source>Please wait…</source>
        <translation>请稍候…</translation>
    </message>
    <message>
        <location filename="../qml/payment/BillCashScreen.qml" line="136"/>
        <source>Pay now with %1</source>
        <translation>现在以 %1 缴费</translation>
    </message>
    <message>
        <location filename="../qml/payment/BillCashScreen.qml" line="152"/>
        <source>Simulator:</source>
        <translation>模拟器：</translation>
    </message>
</context>
<context>
    <name>BillDueScreen</name>
    <message>
        <location filename="../qml/payment/BillDueScreen.qml" line="40"/>
        <source>Mobile number</source>
        <translation>手机号码</translation>
    </message>
    <message>
        <location filename="../qml/payment/BillDueScreen.qml" line="58"/>
        <source>Account holder: %1</source>
        <translation>机主：%1</translation>
    </message>
    <message>
        <location filename="../qml/payment/BillDueScreen.qml" line="67"/>
        <source>This line is suspended. Paying the whole bill turns it back on.</source>
        <translation>该号码已停机，缴清全部欠费后将恢复开通。</translation>
    </message>
    <message>
        <location filename="../qml/payment/BillDueScreen.qml" line="84"/>
        <source>Nothing is due</source>
        <translation>无欠费</translation>
    </message>
    <message>
        <location filename="../qml/payment/BillDueScreen.qml" line="84"/>
        <source>Unpaid months</source>
        <translation>未缴月份</translation>
    </message>
    <message>
        <location filename="../qml/payment/BillDueScreen.qml" line="126"/>
        <source>Total due</source>
        <translation>应缴合计</translation>
    </message>
    <message>
        <location filename="../qml/payment/BillDueScreen.qml" line="152"/>
        <source>No change is given: anything above the amount due goes to your balance.</source>
        <translation>本机不找零：超出应缴金额的部分将存入您的账户余额。</translation>
    </message>
    <message>
        <location filename="../qml/payment/BillDueScreen.qml" line="164"/>
        <source>Pay %1 in cash</source>
        <translation>现金缴费 %1</translation>
    </message>
    <message>
        <location filename="../qml/payment/BillDueScreen.qml" line="165"/>
        <source>Pay %1 by card</source>
        <translation>银行卡支付 %1</translation>
    </message>
</context>
<context>
    <name>CardPayment</name>
    <message>
        <location filename="../qml/payment/CardPayment.qml" line="33"/>
        <source>Insert, tap or swipe your bank card on the card terminal</source>
        <translation>请在银行卡终端上插卡、挥卡或刷卡</translation>
    </message>
    <message>
        <location filename="../qml/payment/CardPayment.qml" line="34"/>
        <source>Enter your PIN on the card terminal</source>
        <translation>请在银行卡终端上输入密码</translation>
    </message>
    <message>
        <location filename="../qml/payment/CardPayment.qml" line="35"/>
        <source>Waiting for your bank&apos;s approval…</source>
        <translation>正在等待银行确认…</translation>
    </message>
    <message>
        <location filename="../qml/payment/CardPayment.qml" line="36"/>
        <source>Stopping the payment on the card terminal…</source>
        <translation>正在银行卡终端上取消支付…</translation>
    </message>
    <message>
        <location filename="../qml/payment/CardPayment.qml" line="37"/>
        <source>Payment approved. Please take your card.</source>
        <translation>支付成功，请取回银行卡。</translation>
    </message>
    <message>
        <location filename="../qml/payment/CardPayment.qml" line="40"/>
        <source>The card payment did not go through. No money was taken.</source>
        <translation>银行卡支付未完成，未扣款。</translation>
    </message>
    <message>
        <location filename="../qml/payment/CardPayment.qml" line="41"/>
        <source>The bank&apos;s answer has not arrived. Do not pay again.</source>
        <translation>尚未收到银行的答复，请勿重复支付。</translation>
    </message>
    <message>
        <location filename="../qml/payment/CardPayment.qml" line="43"/>
        <source>Follow the instructions on the card terminal</source>
        <translation>请按照银行卡终端上的提示操作</translation>
    </message>
    <message>
        <location filename="../qml/payment/CardPayment.qml" line="53"/>
        <source>Amount to pay: %1</source>
        <translation>支付金额：%1</translation>
    </message>
    <message>
        <location filename="../qml/payment/CardPayment.qml" line="63"/>
        <source>Insert or tap your card</source>
        <translation>插卡或挥卡</translation>
    </message>
    <message>
        <location filename="../qml/payment/CardPayment.qml" line="63"/>
        <source>Enter your PIN</source>
        <translation>输入密码</translation>
    </message>
    <message>
        <location filename="../qml/payment/CardPayment.qml" line="63"/>
        <source>Bank approval</source>
        <translation>银行确认</translation>
    </message>
    <message>
        <location filename="../qml/payment/CardPayment.qml" line="163"/>
        <source>Try again</source>
        <translation>重试</translation>
    </message>
</context>
<context>
    <name>NumberEntry</name>
    <message>
        <location filename="../qml/payment/NumberEntry.qml" line="66"/>
        <source>Mobile number</source>
        <translation>手机号码</translation>
    </message>
    <message>
        <location filename="../qml/payment/NumberEntry.qml" line="78"/>
        <source>Next</source>
        <translation>下一步</translation>
    </message>
</context>
<context>
    <name>PaymentAmountScreen</name>
    <message>
        <location filename="../qml/payment/PaymentAmountScreen.qml" line="23"/>
        <source>Top up by card for %1</source>
        <translation>为 %1 刷卡充值</translation>
    </message>
    <message>
        <location filename="../qml/payment/PaymentAmountScreen.qml" line="45"/>
        <source>%1 to %2</source>
        <translation>%1 至 %2</translation>
    </message>
    <message>
        <location filename="../qml/payment/PaymentAmountScreen.qml" line="56"/>
        <source>Choose an amount</source>
        <translation>请选择金额</translation>
    </message>
    <message>
        <location filename="../qml/payment/PaymentAmountScreen.qml" line="57"/>
        <source>Pay %1 in cash</source>
        <translation>现金缴费 %1</translation>
    </message>
    <message>
        <location filename="../qml/payment/PaymentAmountScreen.qml" line="58"/>
        <source>Pay %1 by card</source>
        <translation>银行卡支付 %1</translation>
    </message>
</context>
<context>
    <name>PaymentCardScreen</name>
    <message>
        <location filename="../qml/payment/PaymentCardScreen.qml" line="18"/>
        <source>Bill payment for %1</source>
        <translation>为 %1 缴话费</translation>
    </message>
    <message>
        <location filename="../qml/payment/PaymentCardScreen.qml" line="19"/>
        <source>Top-up for %1</source>
        <translation>为 %1 充值</translation>
    </message>
</context>
<context>
    <name>PaymentNumberScreen</name>
    <message>
        <location filename="../qml/payment/PaymentNumberScreen.qml" line="15"/>
        <source>Pay a bill by card: whose mobile number?</source>
        <translation>刷卡缴话费：请输入要缴费的手机号码</translation>
    </message>
    <message>
        <location filename="../qml/payment/PaymentNumberScreen.qml" line="16"/>
        <source>Pay a bill in cash: whose mobile number?</source>
        <translation>现金缴话费：请输入要缴费的手机号码</translation>
    </message>
    <message>
        <location filename="../qml/payment/PaymentNumberScreen.qml" line="17"/>
        <source>Top up by card: whose mobile number?</source>
        <translation>刷卡充值：请输入要充值的手机号码</translation>
    </message>
</context>
<context>
    <name>PaymentResultScreen</name>
    <message>
        <location filename="../qml/payment/PaymentResultScreen.qml" line="43"/>
        <source>%1 for %2: not confirmed yet</source>
        <translation>%2 的 %1：尚未确认</translation>
    </message>
    <message>
        <location filename="../qml/payment/PaymentResultScreen.qml" line="44"/>
        <source>%1 paid for %2</source>
        <translation>已为 %2 缴费 %1</translation>
    </message>
    <message>
        <location filename="../qml/payment/PaymentResultScreen.qml" line="45"/>
        <source>%1 topped up to %2</source>
        <translation>已为 %2 充值 %1</translation>
    </message>
    <message>
        <location filename="../qml/payment/PaymentResultScreen.qml" line="56"/>
        <source>Card %1 · approval code %2</source>
        <translation>卡号 %1 · 授权码 %2</translation>
    </message>
    <message>
        <location filename="../qml/payment/PaymentResultScreen.qml" line="68"/>
        <source>Do not pay again. The kiosk asks the bank again by itself: if your card was charged, the money goes to %1; if it was not, nothing is taken. If it has not arrived by tomorrow, call 10086 or go to a service hall with the reference below.</source>
        <translation>请勿重复支付。本终端会自动再次向银行确认：如已扣款，款项将充入 %1；如未扣款，则不会收取任何费用。如明天仍未到账，请凭下方参考号拨打10086或前往营业厅。</translation>
    </message>
    <message>
        <location filename="../qml/payment/PaymentResultScreen.qml" line="79"/>
        <source>%1 above the bill was added to your balance.</source>
        <translation>超出话费的 %1 已存入您的账户余额。</translation>
    </message>
    <message>
        <location filename="../qml/payment/PaymentResultScreen.qml" line="90"/>
        <source>%1 of the bill is still due.</source>
        <translation>仍有 %1 话费未缴。</translation>
    </message>
    <message>
        <location filename="../qml/payment/PaymentResultScreen.qml" line="101"/>
        <source>Received by the operator</source>
        <translation>运营商已收到</translation>
    </message>
    <message>
        <location filename="../qml/payment/PaymentResultScreen.qml" line="102"/>
        <source>Accepted — the operator will receive it shortly</source>
        <translation>已受理，稍后到账</translation>
    </message>
    <message>
        <location filename="../qml/payment/PaymentResultScreen.qml" line="112"/>
        <source>Reference: %1</source>
        <translation>交易编号：%1</translation>
    </message>
</context>
<context>
    <name>PaymentTexts</name>
    <message>
        <location filename="../qml/payment/PaymentTexts.qml" line="9"/>
        <source>Enter the 11-digit mobile number to top up</source>
        <translation>请输入要充值的 11 位手机号码</translation>
    </message>
    <message>
        <location filename="../qml/payment/PaymentTexts.qml" line="10"/>
        <source>Choose an amount, or type one on the keypad</source>
        <translation>请选择金额，或在键盘上输入</translation>
    </message>
    <message>
        <location filename="../qml/payment/PaymentTexts.qml" line="11"/>
        <source>That amount is outside the limits shown. Please choose another.</source>
        <translation>该金额超出限额，请重新选择。</translation>
    </message>
    <message>
        <location filename="../qml/payment/PaymentTexts.qml" line="12"/>
        <source>Follow the instructions on the card terminal</source>
        <translation>请按照银行卡终端上的提示操作</translation>
    </message>
    <message>
        <location filename="../qml/payment/PaymentTexts.qml" line="13"/>
        <source>Insert, tap or swipe your bank card on the card terminal</source>
        <translation>请在银行卡终端上插卡、挥卡或刷卡</translation>
    </message>
    <message>
        <location filename="../qml/payment/PaymentTexts.qml" line="14"/>
        <source>Enter your PIN on the card terminal</source>
        <translation>请在银行卡终端上输入密码</translation>
    </message>
    <message>
        <location filename="../qml/payment/PaymentTexts.qml" line="15"/>
        <source>Waiting for your bank&apos;s approval…</source>
        <translation>正在等待银行确认…</translation>
    </message>
    <message>
        <location filename="../qml/payment/PaymentTexts.qml" line="16"/>
        <source>Stopping the payment on the card terminal…</source>
        <translation>正在银行卡终端上取消支付…</translation>
    </message>
    <message>
        <location filename="../qml/payment/PaymentTexts.qml" line="17"/>
        <source>Payment approved. Please take your card and your receipt.</source>
        <translation>支付成功，请取回银行卡和凭条。</translation>
    </message>
    <message>
        <location filename="../qml/payment/PaymentTexts.qml" line="18"/>
        <source>Payment approved. No receipt could be printed; keep the reference below.</source>
        <translation>支付成功。凭条未能打印，请记下下方的交易编号。</translation>
    </message>
    <message>
        <location filename="../qml/payment/PaymentTexts.qml" line="19"/>
        <source>Your card was declined. No money was taken.</source>
        <translation>银行卡被拒绝，未扣款。</translation>
    </message>
    <message>
        <location filename="../qml/payment/PaymentTexts.qml" line="20"/>
        <source>The payment was cancelled. No money was taken.</source>
        <translation>支付已取消，未扣款。</translation>
    </message>
    <message>
        <location filename="../qml/payment/PaymentTexts.qml" line="21"/>
        <source>The card payment did not go through. No money was taken.</source>
        <translation>银行卡支付未完成，未扣款。</translation>
    </message>
    <message>
        <location filename="../qml/payment/PaymentTexts.qml" line="22"/>
        <source>The bank&apos;s answer has not arrived. Do not pay again: if money was taken, it will be credited.</source>
        <translation>尚未收到银行的答复。请勿重复支付：如已扣款，款项将自动入账。</translation>
    </message>
    <message>
        <location filename="../qml/payment/PaymentTexts.qml" line="23"/>
        <source>Enter the 11-digit mobile number whose bill you want to pay</source>
        <translation>请输入要缴费的 11 位手机号码</translation>
    </message>
    <message>
        <location filename="../qml/payment/PaymentTexts.qml" line="24"/>
        <source>That is not a valid mobile number. Please check it.</source>
        <translation>手机号码无效，请检查。</translation>
    </message>
    <message>
        <location filename="../qml/payment/PaymentTexts.qml" line="25"/>
        <source>This number is not with our network. Please check it.</source>
        <translation>该号码不属于本网，请检查。</translation>
    </message>
    <message>
        <location filename="../qml/payment/PaymentTexts.qml" line="26"/>
        <source>Check the bill, then press Pay</source>
        <translation>请核对账单，然后按缴费</translation>
    </message>
    <message>
        <location filename="../qml/payment/PaymentTexts.qml" line="27"/>
        <source>Nothing is due on this number</source>
        <translation>该号码没有欠费</translation>
    </message>
    <message>
        <location filename="../qml/payment/PaymentTexts.qml" line="28"/>
        <source>The bill cannot be looked up right now: choose how much to pay</source>
        <translation>暂时无法查询账单，请选择缴费金额</translation>
    </message>
    <message>
        <location filename="../qml/payment/PaymentTexts.qml" line="29"/>
        <source>That amount is outside the limits. Please choose another.</source>
        <translation>该金额超出限额，请重新选择。</translation>
    </message>
    <message>
        <location filename="../qml/payment/PaymentTexts.qml" line="30"/>
        <source>While the network is down, please pay a smaller amount</source>
        <translation>网络中断期间，请缴纳较小的金额</translation>
    </message>
    <message>
        <location filename="../qml/payment/PaymentTexts.qml" line="31"/>
        <source>Cash cannot be accepted right now</source>
        <translation>暂时无法收取现金</translation>
    </message>
    <message>
        <location filename="../qml/payment/PaymentTexts.qml" line="32"/>
        <source>Bank cards cannot be accepted right now</source>
        <translation>暂时无法使用银行卡</translation>
    </message>
    <message>
        <location filename="../qml/payment/PaymentTexts.qml" line="33"/>
        <source>Insert banknotes one at a time</source>
        <translation>请逐张放入纸币</translation>
    </message>
    <message>
        <location filename="../qml/payment/PaymentTexts.qml" line="34"/>
        <source>Please insert at least one note first</source>
        <translation>请先放入至少一张纸币</translation>
    </message>
    <message>
        <location filename="../qml/payment/PaymentTexts.qml" line="35"/>
        <source>Money has been inserted: press Pay now to pay with it</source>
        <translation>已投入现金：请按“现在缴费”完成缴费</translation>
    </message>
    <message>
        <location filename="../qml/payment/PaymentTexts.qml" line="36"/>
        <source>Paying your bill and printing your receipt…</source>
        <translation>正在缴费并打印凭条…</translation>
    </message>
    <message>
        <location filename="../qml/payment/PaymentTexts.qml" line="37"/>
        <source>Payment complete. Please take your receipt.</source>
        <translation>缴费成功，请取走凭条。</translation>
    </message>
    <message>
        <location filename="../qml/payment/PaymentTexts.qml" line="38"/>
        <source>Payment complete. No receipt could be printed; keep the reference below.</source>
        <translation>缴费成功。凭条未能打印，请记下下方的交易编号。</translation>
    </message>
    <message>
        <location filename="../qml/payment/PaymentTexts.qml" line="39"/>
        <source>Checking the note…</source>
        <translation>正在验钞…</translation>
    </message>
    <message>
        <location filename="../qml/payment/PaymentTexts.qml" line="40"/>
        <source>Note accepted. Insert the next one, if any.</source>
        <translation>纸币已收下，如需请继续放入。</translation>
    </message>
    <message>
        <location filename="../qml/payment/PaymentTexts.qml" line="41"/>
        <source>The note was returned. Please take it.</source>
        <translation>纸币已退回，请取走。</translation>
    </message>
    <message>
        <location filename="../qml/payment/PaymentTexts.qml" line="42"/>
        <source>The note could not be accepted. Please try another.</source>
        <translation>无法接收该纸币，请换一张。</translation>
    </message>
    <message>
        <location filename="../qml/payment/PaymentTexts.qml" line="43"/>
        <source>The full amount is in. Thank you.</source>
        <translation>金额已足，谢谢。</translation>
    </message>
</context>
</TS>
