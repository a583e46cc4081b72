<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AgreementScreen</name>
    <message>
        <location filename="../qml/sim/AgreementScreen.qml" line="61"/>
        <source>Mobile telecommunications service agreement</source>
        <translation>移动电话业务入网服务协议</translation>
    </message>
    <message>
        <location filename="../qml/sim/AgreementScreen.qml" line="62"/>
        <source>1. You open a mobile line in your own name. The operator has checked your resident ID card with the national real-name register; the line may only be used by you or people you are responsible for.</source>
        <translation>一、您以本人名义办理入网。运营商已通过全国实名登记系统核验您的居民身份证；本号码仅限您本人或由您负责的人使用。</translation>
    </message>
    <message>
        <location filename="../qml/sim/AgreementScreen.qml" line="63"/>
        <source>2. The number you chose is yours once the SIM card is issued. The number fee shown is paid once. Any money paid above it is credited to the new line as its opening balance.</source>
        <translation>二、SIM 卡发出后，您所选号码即归您使用。所示选号费一次性收取，多付的金额将作为新号码的开户预存款。</translation>
    </message>
    <message>
        <location filename="../qml/sim/AgreementScreen.qml" line="64"/>
        <source>3. The line starts on the basic plan shown at the kiosk. Monthly fees and charges for calls, messages and data follow the published tariff. You can change the plan at any time at a kiosk, in the app or at a service hall.</source>
        <translation>三、新号码默认使用终端上所示的基础套餐。月费及通话、短信、流量费用按公布的资费标准收取。您可随时在自助终端、手机营业厅或营业厅变更套餐。</translation>
    </message>
    <message>
        <location filename="../qml/sim/AgreementScreen.qml" line="65"/>
        <source>4. Your first service password is sent to the new number by SMS. Change it soon, keep it secret, and keep your SIM card safe. Report a lost card at once so the line can be suspended.</source>
        <translation>四、初始服务密码将以短信发送至新号码。请尽快修改并妥善保密，保管好您的 SIM 卡。卡片丢失请立即挂失停机。</translation>
    </message>
    <message>
        <location filename="../qml/sim/AgreementScreen.qml" line="66"/>
        <source>5. You must not use the line for fraud, spam, harassment or anything unlawful, nor resell it. The operator may suspend a line used in breach of the law or of this agreement.</source>
        <translation>五、不得将本号码用于诈骗、垃圾信息、骚扰等违法用途，不得转售。违反法律或本协议的，运营商可暂停服务。</translation>
    </message>
    <message>
        <location filename="../qml/sim/AgreementScreen.qml" line="67"/>
        <source>6. Your personal data is used to provide the service, to meet the law, and is protected as the Personal Information Protection Law requires. It is not sold.</source>
        <translation>六、您的个人信息仅用于提供服务和履行法定义务，并依照《个人信息保护法》予以保护，绝不出售。</translation>
    </message>
    <message>
        <location filename="../qml/sim/AgreementScreen.qml" line="68"/>
        <source>7. If a line stays unpaid, the operator may limit or suspend it after notice. Any balance left when you close the line is refunded as the tariff says.</source>
        <translation>七、欠费未缴的，运营商可在通知后限制或暂停服务。销户时的余额按资费规定退还。</translation>
    </message>
    <message>
        <location filename="../qml/sim/AgreementScreen.qml" line="69"/>
        <source>8. Disputes are settled by talking first; you can also complain to the operator&apos;s hotline 10086 or to the telecommunications regulator.</source>
        <translation>八、发生争议时双方先行协商；您也可拨打客服热线 10086 或向电信管理机构投诉。</translation>
    </message>
    <message>
        <location filename="../qml/sim/AgreementScreen.qml" line="70"/>
        <source>By tapping &quot;I agree&quot; and signing, you confirm you have read and accept this agreement.</source>
        <translation>点击“我同意”并签名，即表示您已阅读并接受本协议。</translation>
    </message>
    <message>
        <location filename="../qml/sim/AgreementScreen.qml" line="88"/>
        <source>Scroll down ▼</source>
        <translation>向下翻页 ▼</translation>
    </message>
    <message>
        <location filename="../qml/sim/AgreementScreen.qml" line="96"/>
        <source>✓ Read to the end</source>
        <translation>✓ 已阅读完毕</translation>
    </message>
    <message>
        <location filename="../qml/sim/AgreementScreen.qml" line="96"/>
        <source>Read to the end to continue</source>
        <translation>请读到协议末尾再继续</translation>
    </message>
    <message>
        <location filename="../qml/sim/AgreementScreen.qml" line="106"/>
        <source>Sign here with your finger</source>
        <translation>请用手指在此签名</translation>
    </message>
    <message>
        <location filename="../qml/sim/AgreementScreen.qml" line="119"/>
        <source>Signature</source>
        <translation>签名</translation>
    </message>
    <message>
        <location filename="../qml/sim/AgreementScreen.qml" line="189"/>
        <source>Clear the signature</source>
        <translation>清除签名</translation>
    </message>
    <message>
        <location filename="../qml/sim/AgreementScreen.qml" line="197"/>
        <source>I agree</source>
        <translation>我同意</translation>
    </message>
    <message>
        <location filename="../qml/sim/AgreementScreen.qml" line="198"/>
        <source>Read the agreement to the end first</source>
        <translation>请先读完协议</translation>
    </message>
    <message>
        <location filename="../qml/sim/AgreementScreen.qml" line="199"/>
        <source>Sign in the box first</source>
        <translation>请先在框内签名</translation>
    </message>
</context>
<context>
    <name>CheckScreen</name>
    <message>
        <location filename="../qml/sim/CheckScreen.qml" line="41"/>
        <source>Name: %1</source>
        <translation>姓名：%1</translation>
    </message>
    <message>
        <location filename="../qml/sim/CheckScreen.qml" line="52"/>
        <source>ID number: %1</source>
        <translation>身份证号：%1</translation>
    </message>
    <message>
        <location filename="../qml/sim/CheckScreen.qml" line="58"/>
        <source>Lines in your name: %1 of %2 allowed</source>
        <translation>名下号码：%1 个（最多 %2 个）</translation>
    </message>
    <message>
        <location filename="../qml/sim/CheckScreen.qml" line="71"/>
        <source>Choose a number</source>
        <translation>选择号码</translation>
    </message>
    <message>
        <location filename="../qml/sim/CheckScreen.qml" line="81"/>
        <source>Try again with the ID card</source>
        <translation>重新读取身份证</translation>
    </message>
</context>
<context>
    <name>IdCardScreen</name>
    <message>
        <location filename="../qml/sim/IdCardScreen.qml" line="48"/>
        <source>ID card here</source>
        <translation>身份证放这里</translation>
    </message>
    <message>
        <location filename="../qml/sim/IdCardScreen.qml" line="98"/>
        <source>Only the owner of the line can replace its SIM card.</source>
        <translation>仅机主本人可以补换 SIM 卡。</translation>
    </message>
    <message>
        <location filename="../qml/sim/IdCardScreen.qml" line="99"/>
        <source>Your ID card is checked with the national real-name register. Keep it on the reader until it beeps.</source>
        <translation>您的身份证将通过全国实名系统核验。请将身份证放在读卡区，听到提示音后再取走。</translation>
    </message>
</context>
<context>
    <name>NumberScreen</name>
    <message>
        <location filename="../qml/sim/NumberScreen.qml" line="44"/>
        <source>✓ No 4</source>
        <translation>✓ 不含 4</translation>
    </message>
    <message>
        <location filename="../qml/sim/NumberScreen.qml" line="44"/>
        <source>No 4</source>
        <translation>不含 4</translation>
    </message>
    <message>
        <location filename="../qml/sim/NumberScreen.qml" line="55"/>
        <source>All prices</source>
        <translation>全部价格</translation>
    </message>
    <message>
        <location filename="../qml/sim/NumberScreen.qml" line="56"/>
        <location filename="../qml/sim/NumberScreen.qml" line="78"/>
        <source>Free</source>
        <translation>免费</translation>
    </message>
    <message>
        <location filename="../qml/sim/NumberScreen.qml" line="57"/>
        <source>Lucky</source>
        <translation>靓号</translation>
    </message>
    <message>
        <location filename="../qml/sim/NumberScreen.qml" line="58"/>
        <source>Up to ¥100</source>
        <translation>¥100 以内</translation>
    </message>
    <message>
        <location filename="../qml/sim/NumberScreen.qml" line="88"/>
        <source>No numbers to show</source>
        <translation>暂无可选号码</translation>
    </message>
    <message>
        <location filename="../qml/sim/NumberScreen.qml" line="109"/>
        <source>%1 / %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <location filename="../qml/sim/NumberScreen.qml" line="131"/>
        <source>Reserved: %1</source>
        <translation>已预留：%1</translation>
    </message>
    <message numerus="yes">
        <location filename="../qml/sim/NumberScreen.qml" line="132"/>
        <source>%n number(s) found</source>
        <translation>
            <numerusform>共找到 %n 个号码</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../qml/sim/NumberScreen.qml" line="144"/>
        <source>Held for you for %1</source>
        <translation>为您保留 %1</translation>
    </message>
    <message>
        <location filename="../qml/sim/NumberScreen.qml" line="154"/>
        <source>Next</source>
        <translation>下一步</translation>
    </message>
    <message>
        <location filename="../qml/sim/NumberScreen.qml" line="173"/>
        <source>Ends with</source>
        <translation>尾号</translation>
    </message>
    <message>
        <location filename="../qml/sim/NumberScreen.qml" line="173"/>
        <source>Contains</source>
        <translation>包含数字</translation>
    </message>
    <message>
        <location filename="../qml/sim/NumberScreen.qml" line="190"/>
        <source>e.g. 88</source>
        <translation>例如 88</translation>
    </message>
    <message>
        <location filename="../qml/sim/NumberScreen.qml" line="190"/>
        <source>e.g. 168</source>
        <translation>如 168</translation>
    </message>
    <message>
        <location filename="../qml/sim/NumberScreen.qml" line="201"/>
        <source>Search</source>
        <translation>搜索</translation>
    </message>
</context>
<context>
    <name>PayScreen</name>
    <message>
        <location filename="../qml/sim/PayScreen.qml" line="25"/>
        <source>New SIM card for %1 · fee %2</source>
        <translation>为 %1 补换卡 · 费用 %2</translation>
    </message>
    <message>
        <location filename="../qml/sim/PayScreen.qml" line="26"/>
        <source>Number %1 · price %2</source>
        <translation>号码 %1 · 价格 %2</translation>
    </message>
    <message>
        <location filename="../qml/sim/PayScreen.qml" line="52"/>
        <source>Cash</source>
        <translation>现金</translation>
    </message>
    <message>
        <location filename="../qml/sim/PayScreen.qml" line="53"/>
        <source>Banknotes, no change given</source>
        <translation>纸币支付，不找零</translation>
    </message>
    <message>
        <location filename="../qml/sim/PayScreen.qml" line="61"/>
        <source>Bank card</source>
        <translation>银行卡</translation>
    </message>
    <message>
        <location filename="../qml/sim/PayScreen.qml" line="62"/>
        <source>Follow the card terminal</source>
        <translation>请按刷卡机提示操作</translation>
    </message>
    <message>
        <location filename="../qml/sim/PayScreen.qml" line="82"/>
        <source>Inserted</source>
        <translation>已投入</translation>
    </message>
    <message>
        <location filename="../qml/sim/PayScreen.qml" line="103"/>
        <source>Still to pay</source>
        <translation>还需支付</translation>
    </message>
    <message numerus="yes">
        <location filename="../qml/sim/PayScreen.qml" line="129"/>
        <source>%n note(s) accepted · no change is given; any extra is credited to your line</source>
        <translation>
            <numerusform>已收 %n 张纸币 · 不找零，多付金额存入您的号码</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../qml/sim/PayScreen.qml" line="130"/>
        <source>%n note(s) accepted · no change is given; any extra is credit on the new line</source>
        <translation>
            <numerusform>已收 %n 张纸币 · 不找零，多付金额存入新号码</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../qml/sim/PayScreen.qml" line="142"/>
        <source>Back and Cancel are off: notes cannot be given back. Pay the rest for your SIM card, or stop and take a voucher for %1 (a service hall refunds it); if you leave, the voucher is printed for you.</source>
        <translation>已投入纸币，无法退回，因此“返回”和“取消”不可用。请付清余款领取SIM卡，或停止办理并领取 %1 的退款凭证（可在营业厅退款）；如您离开，系统会自动打印凭证。</translation>
    </message>
    <message>
        <location filename="../qml/sim/PayScreen.qml" line="154"/>
        <source>Stop and print a voucher for %1</source>
        <translation>停止付款并打印 %1 的退款凭证</translation>
    </message>
    <message>
        <location filename="../qml/sim/PayScreen.qml" line="162"/>
        <source>Amount on the card terminal: %1</source>
        <translation>刷卡金额：%1</translation>
    </message>
    <message>
        <location filename="../qml/sim/PayScreen.qml" line="173"/>
        <source>Ask the terminal again</source>
        <translation>再次查询刷卡结果</translation>
    </message>
    <message>
        <location filename="../qml/sim/PayScreen.qml" line="181"/>
        <source>The number is held for you for %1</source>
        <translation>号码为您保留 %1</translation>
    </message>
    <message>
        <location filename="../qml/sim/PayScreen.qml" line="198"/>
        <source>Simulator:</source>
        <translation>模拟器：</translation>
    </message>
</context>
<context>
    <name>ProgressScreen</name>
    <message>
        <location filename="../qml/sim/ProgressScreen.qml" line="68"/>
        <source>Preparing your card&apos;s data</source>
        <translation>准备写卡数据</translation>
    </message>
    <message>
        <location filename="../qml/sim/ProgressScreen.qml" line="69"/>
        <source>Writing and checking the SIM card</source>
        <translation>写入并校验 SIM 卡</translation>
    </message>
    <message>
        <location filename="../qml/sim/ProgressScreen.qml" line="70"/>
        <source>Handing out the SIM card</source>
        <translation>出卡</translation>
    </message>
    <message>
        <location filename="../qml/sim/ProgressScreen.qml" line="84"/>
        <source>This takes about a minute. Please stay here.</source>
        <translation>大约需要一分钟，请不要离开。</translation>
    </message>
</context>
<context>
    <name>ReplaceScreen</name>
    <message>
        <location filename="../qml/sim/ReplaceScreen.qml" line="33"/>
        <source>New SIM card for %1</source>
        <translation>为 %1 补换新卡</translation>
    </message>
    <message>
        <location filename="../qml/sim/ReplaceScreen.qml" line="41"/>
        <source>Fee: %1</source>
        <translation>费用：%1</translation>
    </message>
    <message>
        <location filename="../qml/sim/ReplaceScreen.qml" line="42"/>
        <source>Fee: free of charge</source>
        <translation>费用：免费</translation>
    </message>
    <message>
        <location filename="../qml/sim/ReplaceScreen.qml" line="50"/>
        <source>You keep your number, plan and balance. The old SIM card stops working as soon as the new one is issued.</source>
        <translation>号码、套餐和余额保持不变。新卡发出后，旧卡立即失效。</translation>
    </message>
    <message>
        <location filename="../qml/sim/ReplaceScreen.qml" line="62"/>
        <source>Pay %1 and replace my SIM card</source>
        <translation>支付 %1 并补换卡</translation>
    </message>
    <message>
        <location filename="../qml/sim/ReplaceScreen.qml" line="63"/>
        <source>Replace my SIM card</source>
        <translation>补换 SIM 卡</translation>
    </message>
</context>
<context>
    <name>ResultScreen</name>
    <message>
        <location filename="../qml/sim/ResultScreen.qml" line="38"/>
        <source>Your new number: %1</source>
        <translation>您的新号码：%1</translation>
    </message>
    <message>
        <location filename="../qml/sim/ResultScreen.qml" line="39"/>
        <source>Number %1 now works with the new card</source>
        <translation>号码 %1 已启用新卡</translation>
    </message>
    <message>
        <location filename="../qml/sim/ResultScreen.qml" line="49"/>
        <source>Your service password is sent by SMS to the new number.</source>
        <translation>服务密码将以短信发送到新号码。</translation>
    </message>
    <message>
        <location filename="../qml/sim/ResultScreen.qml" line="50"/>
        <source>The old SIM card no longer works.</source>
        <translation>旧 SIM 卡已失效。</translation>
    </message>
    <message>
        <location filename="../qml/sim/ResultScreen.qml" line="61"/>
        <source>Take the printed voucher for %1. A service hall refunds it or puts it on your account.</source>
        <translation>请取走 %1 的退款凭证，可到营业厅退款或存入您的账户。</translation>
    </message>
    <message>
        <location filename="../qml/sim/ResultScreen.qml" line="62"/>
        <source>Your card payment of %1 has been refunded to your card.</source>
        <translation>您刷卡支付的 %1 已退回原卡。</translation>
    </message>
    <message>
        <location filename="../qml/sim/ResultScreen.qml" line="72"/>
        <source>Reason: %1</source>
        <translation>原因：%1</translation>
    </message>
    <message>
        <location filename="../qml/sim/ResultScreen.qml" line="82"/>
        <source>The unfinished SIM card was kept safely inside the kiosk.</source>
        <translation>未完成的 SIM 卡已安全回收在终端内。</translation>
    </message>
</context>
<context>
    <name>SimTexts</name>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="10"/>
        <source>Put your ID card on the reader</source>
        <translation>请将身份证放在读卡区</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="11"/>
        <source>Put your ID card on the reader to confirm it is you</source>
        <translation>请将身份证放在读卡区，确认是机主本人</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="12"/>
        <source>Your identity is confirmed. Tap the button to choose a number.</source>
        <translation>身份核验通过，请点击按钮选择号码。</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="13"/>
        <source>Tap a number to reserve it</source>
        <translation>点击号码即可预留</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="14"/>
        <source>No numbers match. Try other filters.</source>
        <translation>没有符合条件的号码，请换个条件试试。</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="15"/>
        <source>The number is reserved for you. Tap Next.</source>
        <translation>号码已为您预留，请点击“下一步”。</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="17"/>
        <source>The reservation ran out. Please choose a number again.</source>
        <translation>预留已超时，请重新选择号码。</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="18"/>
        <source>Read the agreement to the end, then sign it</source>
        <translation>请读完协议后签名</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="19"/>
        <source>Sign in the box with your finger, then tap I agree</source>
        <translation>请用手指在框内签名，然后点击“我同意”</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="20"/>
        <source>Choose how to pay</source>
        <translation>请选择支付方式</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="21"/>
        <source>Insert banknotes one at a time</source>
        <translation>请逐张投入纸币</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="22"/>
        <source>Money has been inserted: pay the rest, or stop and take a voucher</source>
        <translation>已投入现金：请付清余款，或停止付款并领取退款凭证</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="23"/>
        <source>Insert, tap or swipe your bank card on the terminal</source>
        <translation>请在刷卡机上插卡、挥卡或刷卡</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="24"/>
        <source>Enter your PIN on the card terminal</source>
        <translation>请在刷卡机上输入密码</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="25"/>
        <source>Waiting for the bank…</source>
        <translation>正在等待银行响应…</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="26"/>
        <source>The card payment did not go through. Try again or pay in cash.</source>
        <translation>刷卡未成功，请重试或使用现金支付。</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="27"/>
        <source>The card payment was cancelled. Try again or pay in cash.</source>
        <translation>刷卡已取消，请重试或使用现金支付。</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="28"/>
        <source>The bank has not answered yet. Tap to ask the terminal again.</source>
        <translation>银行尚未答复，请点击再次查询。</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="29"/>
        <source>Preparing your SIM card. Please wait.</source>
        <translation>正在制作您的 SIM 卡，请稍候。</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="30"/>
        <source>Done! Take your SIM card from the slot below.</source>
        <translation>办理成功！请从下方出卡口取走 SIM 卡。</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="31"/>
        <source>Sorry, your SIM card could not be issued.</source>
        <translation>抱歉，SIM 卡未能发出。</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="32"/>
        <source>Sorry, your SIM card could not be issued. Your payment was refunded.</source>
        <translation>抱歉，SIM 卡未能发出，您的付款已退回。</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="33"/>
        <source>Sorry, the SIM card could not be issued.</source>
        <translation>抱歉，SIM 卡未能发出。</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="34"/>
        <source>Check the number and the fee, then tap the button to pay</source>
        <translation>请核对号码和费用，然后点击按钮付款</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="35"/>
        <source>Check the number, then tap the button to get your new SIM card</source>
        <translation>请核对号码，然后点击按钮领取新卡</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="36"/>
        <source>Done! Take your new SIM card from the slot below.</source>
        <translation>补卡成功！请从下方出卡口取走新 SIM 卡。</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="37"/>
        <source>Sorry, your SIM card could not be replaced. Nothing was charged.</source>
        <translation>抱歉，补卡未能完成，未收取任何费用。</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="39"/>
        <source>The amount due has not been paid in full yet</source>
        <translation>应付金额尚未付清</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="40"/>
        <source>The replacement fee has not been paid yet</source>
        <translation>补换卡费用尚未支付</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="41"/>
        <source>There is no fee to pay</source>
        <translation>无需支付费用</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="42"/>
        <source>The new card&apos;s data is not ready. Please start again.</source>
        <translation>新卡数据尚未就绪，请重新开始。</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="43"/>
        <source>The SIM card replacement was cancelled</source>
        <translation>补换卡已取消</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="44"/>
        <source>You stopped before paying in full</source>
        <translation>您在付清前停止了付款</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="45"/>
        <source>The signature could not be kept. Clear it and sign again.</source>
        <translation>签名无法保存，请清除后重新签名。</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="46"/>
        <source>Your signature cannot be kept at this kiosk now. Please go to a service hall.</source>
        <translation>本终端目前无法保存您的签名，请前往营业厅办理。</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="47"/>
        <source>A SIM card can only be replaced after logging in with the ID card</source>
        <translation>补换卡须使用身份证登录</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="49"/>
        <location filename="../qml/sim/SimTexts.qml" line="57"/>
        <source>This ID card has expired. Please use a valid one.</source>
        <translation>该身份证已过期，请使用有效证件。</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="50"/>
        <source>The ID card could not be read. Take it off and put it back.</source>
        <translation>身份证读取失败，请取下后重新放置。</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="51"/>
        <source>The ID card could not be read correctly. Take it off and put it back.</source>
        <translation>身份证信息读取有误，请取下后重新放置。</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="53"/>
        <source>The ID card reader is not working. Please go to a service hall.</source>
        <translation>身份证阅读器故障，请到营业厅办理。</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="55"/>
        <source>The ID number on this card is not valid.</source>
        <translation>该身份证号码无效。</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="56"/>
        <source>This ID card is not valid yet.</source>
        <translation>该身份证尚未生效。</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="59"/>
        <source>This ID card could not be verified. Please go to a service hall.</source>
        <translation>身份证核验未通过，请到营业厅办理。</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="60"/>
        <source>New lines cannot be opened for this ID here. Please go to a service hall.</source>
        <translation>该证件无法在此办理新号码，请到营业厅办理。</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="61"/>
        <source>You already have the most lines one person may hold.</source>
        <translation>您名下的号码已达上限。</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="63"/>
        <source>The identity check has run out. Please put your ID card on the reader again.</source>
        <translation>身份核验已过期，请重新放置身份证。</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="66"/>
        <source>That number has just been taken. Please choose another.</source>
        <translation>该号码刚刚被选走，请另选一个。</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="68"/>
        <source>That number is no longer for sale. Please choose another.</source>
        <translation>该号码已不可选，请另选一个。</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="69"/>
        <source>No price range like that. Choose another price filter.</source>
        <translation>价格范围有误，请选择其他价格筛选。</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="71"/>
        <source>Checking the note…</source>
        <translation>正在验钞…</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="72"/>
        <source>Note accepted. Insert the next one.</source>
        <translation>已收款，请继续投入。</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="73"/>
        <source>The note was returned. Please take it.</source>
        <translation>纸币已退回，请取走。</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="74"/>
        <source>The note could not be accepted. Please try another.</source>
        <translation>无法识别该纸币，请换一张。</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="75"/>
        <source>Paid in full. Preparing your SIM card…</source>
        <translation>已付清，正在制作 SIM 卡…</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="78"/>
        <source>the SIM card could not be written</source>
        <translation>SIM 卡写入失败</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="79"/>
        <source>the SIM card failed its check after writing</source>
        <translation>SIM 卡写入后校验失败</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="82"/>
        <source>the SIM card writer is not working</source>
        <translation>写卡器故障</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="84"/>
        <source>no SIM card reached the writer</source>
        <translation>卡片未送达写卡器</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="91"/>
        <source>the blank SIM card could not be used</source>
        <translation>空白 SIM 卡无法使用</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="95"/>
        <source>the card data from the network was not usable</source>
        <translation>网络下发的写卡数据无效</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="96"/>
        <source>no SIM cards can be issued right now</source>
        <translation>暂时无法发卡</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="98"/>
        <source>the card dispenser is jammed</source>
        <translation>发卡机卡卡</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="100"/>
        <source>the kiosk has run out of SIM cards</source>
        <translation>终端内 SIM 卡已用完</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="101"/>
        <source>the card was not taken and has been retained</source>
        <translation>卡未被取走，已由终端回收</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="105"/>
        <source>the card dispenser is out of order</source>
        <translation>发卡机故障</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="106"/>
        <source>The network is not available. Please try again later.</source>
        <translation>网络暂不可用，请稍后再试。</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="107"/>
        <source>The request was refused. Please go to a service hall.</source>
        <translation>请求被拒绝，请到营业厅办理。</translation>
    </message>
    <message>
        <location filename="../qml/sim/SimTexts.qml" line="108"/>
        <source>That step is not possible now. Please start again.</source>
        <translation>当前无法执行该操作，请重新开始。</translation>
    </message>
</context>
</TS>
