<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AuthIdCardScreen</name>
    <message>
        <location filename="../qml/auth/AuthIdCardScreen.qml" line="33"/>
        <source>Mobile number %1</source>
        <translation>手机号码 %1</translation>
    </message>
    <message>
        <location filename="../qml/auth/AuthIdCardScreen.qml" line="52"/>
        <source>Reading your card. Leave it on the reader.</source>
        <translation>正在读取身份证，请勿移开</translation>
    </message>
    <message>
        <location filename="../qml/auth/AuthIdCardScreen.qml" line="53"/>
        <source>Waiting for your ID card…</source>
        <translation>等待放置身份证…</translation>
    </message>
    <message>
        <location filename="../qml/auth/AuthIdCardScreen.qml" line="67"/>
        <source>Simulator:</source>
        <translation>模拟器：</translation>
    </message>
    <message>
        <location filename="../qml/auth/AuthIdCardScreen.qml" line="80"/>
        <source>Test card A</source>
        <translation>测试卡 A</translation>
    </message>
    <message>
        <location filename="../qml/auth/AuthIdCardScreen.qml" line="81"/>
        <source>Test card B</source>
        <translation>测试卡 B</translation>
    </message>
    <message>
        <location filename="../qml/auth/AuthIdCardScreen.qml" line="81"/>
        <source>Expired card</source>
        <translation>过期证件</translation>
    </message>
</context>
<context>
    <name>AuthMethodScreen</name>
    <message>
        <location filename="../qml/auth/AuthMethodScreen.qml" line="41"/>
        <source>Service password</source>
        <translation>服务密码</translation>
    </message>
    <message>
        <location filename="../qml/auth/AuthMethodScreen.qml" line="42"/>
        <source>The 6-digit password of your mobile number</source>
        <translation>手机号码的 6 位服务密码</translation>
    </message>
    <message>
        <location filename="../qml/auth/AuthMethodScreen.qml" line="51"/>
        <source>SMS code</source>
        <translation>短信验证码</translation>
    </message>
    <message>
        <location filename="../qml/auth/AuthMethodScreen.qml" line="52"/>
        <source>We text a code to your phone</source>
        <translation>验证码将发送到您的手机</translation>
    </message>
    <message>
        <location filename="../qml/auth/AuthMethodScreen.qml" line="62"/>
        <source>ID card</source>
        <translation>身份证</translation>
    </message>
    <message>
        <location filename="../qml/auth/AuthMethodScreen.qml" line="63"/>
        <source>Put your resident ID card on the reader</source>
        <translation>将居民身份证放在阅读区</translation>
    </message>
</context>
<context>
    <name>AuthNumberScreen</name>
    <message>
        <location filename="../qml/auth/AuthNumberScreen.qml" line="28"/>
        <source>Log in: your own mobile number</source>
        <translation>登录：请输入您本人的手机号码</translation>
    </message>
    <message>
        <location filename="../qml/auth/AuthNumberScreen.qml" line="64"/>
        <source>Mobile number</source>
        <translation>手机号码</translation>
    </message>
    <message>
        <location filename="../qml/auth/AuthNumberScreen.qml" line="75"/>
        <source>Next</source>
        <translation>下一步</translation>
    </message>
</context>
<context>
    <name>AuthPasswordScreen</name>
    <message>
        <location filename="../qml/auth/AuthPasswordScreen.qml" line="28"/>
        <source>Mobile number %1</source>
        <translation>手机号码 %1</translation>
    </message>
    <message>
        <location filename="../qml/auth/AuthPasswordScreen.qml" line="54"/>
        <source>Try again after %1, or log in another way.</source>
        <translation>请在 %1 之后再试，或选择其他登录方式。</translation>
    </message>
    <message>
        <location filename="../qml/auth/AuthPasswordScreen.qml" line="55"/>
        <source>Attempts left: %1</source>
        <translation>还可尝试 %1 次</translation>
    </message>
    <message>
        <location filename="../qml/auth/AuthPasswordScreen.qml" line="65"/>
        <source>Please wait…</source>
        <translation>请稍候…</translation>
    </message>
    <message>
        <location filename="../qml/auth/AuthPasswordScreen.qml" line="65"/>
        <source>Log in</source>
        <translation>登录</translation>
    </message>
    <message>
        <location filename="../qml/auth/AuthPasswordScreen.qml" line="75"/>
        <source>SMS code</source>
        <translation>短信验证码</translation>
    </message>
    <message>
        <location filename="../qml/auth/AuthPasswordScreen.qml" line="83"/>
        <source>ID card</source>
        <translation>身份证</translation>
    </message>
</context>
<context>
    <name>AuthSmsScreen</name>
    <message>
        <location filename="../qml/auth/AuthSmsScreen.qml" line="27"/>
        <source>Mobile number %1</source>
        <translation>手机号码 %1</translation>
    </message>
    <message>
        <location filename="../qml/auth/AuthSmsScreen.qml" line="54"/>
        <source>Attempts left: %1</source>
        <translation>还可尝试 %1 次</translation>
    </message>
    <message>
        <location filename="../qml/auth/AuthSmsScreen.qml" line="64"/>
        <source>Please wait…</source>
        <translation>请稍候…</translation>
    </message>
    <message>
        <location filename="../qml/auth/AuthSmsScreen.qml" line="64"/>
        <source>Log in</source>
        <translation>登录</translation>
    </message>
    <message>
        <location filename="../qml/auth/AuthSmsScreen.qml" line="73"/>
        <source>Send again in %1 s</source>
        <translation>%1 秒后可重新发送</translation>
    </message>
    <message>
        <location filename="../qml/auth/AuthSmsScreen.qml" line="74"/>
        <source>Send the code again</source>
        <translation>重新发送验证码</translation>
    </message>
    <message>
        <location filename="../qml/auth/AuthSmsScreen.qml" line="74"/>
        <source>Send me a code</source>
        <translation>发送验证码</translation>
    </message>
</context>
<context>
    <name>AuthTexts</name>
    <message>
        <location filename="../qml/auth/AuthTexts.qml" line="9"/>
        <source>How would you like to log in?</source>
        <translation>请选择登录方式</translation>
    </message>
    <message>
        <location filename="../qml/auth/AuthTexts.qml" line="10"/>
        <source>Enter your 11-digit mobile number</source>
        <translation>请输入 11 位手机号码</translation>
    </message>
    <message>
        <location filename="../qml/auth/AuthTexts.qml" line="11"/>
        <source>That is not a valid mobile number. Please check it.</source>
        <translation>手机号码有误，请检查</translation>
    </message>
    <message>
        <location filename="../qml/auth/AuthTexts.qml" line="12"/>
        <source>Enter your 6-digit service password</source>
        <translation>请输入 6 位服务密码</translation>
    </message>
    <message>
        <location filename="../qml/auth/AuthTexts.qml" line="13"/>
        <source>Tap the button and we will text a code to this number</source>
        <translation>点击按钮，验证码将以短信发送到该号码</translation>
    </message>
    <message>
        <location filename="../qml/auth/AuthTexts.qml" line="14"/>
        <source>A code is on its way. Enter the 6 digits from the text message.</source>
        <translation>验证码已发送，请输入短信中的 6 位数字</translation>
    </message>
    <message>
        <location filename="../qml/auth/AuthTexts.qml" line="15"/>
        <source>Enter the 6-digit code from the text message</source>
        <translation>请输入短信中的 6 位验证码</translation>
    </message>
    <message>
        <location filename="../qml/auth/AuthTexts.qml" line="16"/>
        <source>Put your ID card flat on the reader, as shown</source>
        <translation>请按图示将身份证平放在阅读区</translation>
    </message>
    <message>
        <location filename="../qml/auth/AuthTexts.qml" line="17"/>
        <source>Card read. Checking it, please wait…</source>
        <translation>已读取身份证，正在核验，请稍候…</translation>
    </message>
    <message>
        <location filename="../qml/auth/AuthTexts.qml" line="18"/>
        <source>The service password has 6 digits</source>
        <translation>服务密码为 6 位数字</translation>
    </message>
    <message>
        <location filename="../qml/auth/AuthTexts.qml" line="19"/>
        <source>Wrong service password. Please try again.</source>
        <translation>服务密码错误，请重新输入</translation>
    </message>
    <message>
        <location filename="../qml/auth/AuthTexts.qml" line="20"/>
        <source>Too many wrong passwords: password login is locked for this number</source>
        <translation>密码错误次数过多，该号码的密码登录已锁定</translation>
    </message>
    <message>
        <location filename="../qml/auth/AuthTexts.qml" line="21"/>
        <source>This number is not one of ours. Please check it.</source>
        <translation>该号码不是本网号码，请检查</translation>
    </message>
    <message>
        <location filename="../qml/auth/AuthTexts.qml" line="22"/>
        <source>The code has 6 digits</source>
        <translation>验证码为 6 位数字</translation>
    </message>
    <message>
        <location filename="../qml/auth/AuthTexts.qml" line="23"/>
        <source>Please ask for a code first</source>
        <translation>请先获取验证码</translation>
    </message>
    <message>
        <location filename="../qml/auth/AuthTexts.qml" line="24"/>
        <source>This ID card is not registered to this number</source>
        <translation>该身份证不是此号码的登记机主</translation>
    </message>
    <message>
        <location filename="../qml/auth/AuthTexts.qml" line="25"/>
        <source>Too many ID cards that are not the owner&apos;s: ID card login is locked for this number for 30 minutes</source>
        <translation>非机主身份证尝试次数过多，该号码的身份证登录已锁定 30 分钟</translation>
    </message>
    <message>
        <location filename="../qml/auth/AuthTexts.qml" line="26"/>
        <source>This service needs your ID card: please log in with it</source>
        <translation>此业务需要身份证，请使用身份证登录</translation>
    </message>
    <message>
        <location filename="../qml/auth/AuthTexts.qml" line="27"/>
        <source>A code was sent less than a minute ago. Please wait, then try again.</source>
        <translation>一分钟内已发送过验证码，请稍后再试</translation>
    </message>
    <message>
        <location filename="../qml/auth/AuthTexts.qml" line="28"/>
        <source>Wrong code. Please check the text message.</source>
        <translation>验证码错误，请核对短信</translation>
    </message>
    <message>
        <location filename="../qml/auth/AuthTexts.qml" line="29"/>
        <source>The code has expired. Please ask for a new one.</source>
        <translation>验证码已过期，请重新获取</translation>
    </message>
    <message>
        <location filename="../qml/auth/AuthTexts.qml" line="31"/>
        <source>This code can no longer be used. Please ask for a new one.</source>
        <translation>该验证码已失效，请重新获取</translation>
    </message>
    <message>
        <location filename="../qml/auth/AuthTexts.qml" line="32"/>
        <source>The card could not be read. Take it off and put it on again.</source>
        <translation>无法读取身份证，请拿起后重新放置</translation>
    </message>
    <message>
        <location filename="../qml/auth/AuthTexts.qml" line="33"/>
        <source>The card could not be read correctly. Please try again.</source>
        <translation>身份证读取有误，请重试</translation>
    </message>
    <message>
        <location filename="../qml/auth/AuthTexts.qml" line="35"/>
        <source>This ID card has expired</source>
        <translation>该身份证已过有效期</translation>
    </message>
    <message>
        <location filename="../qml/auth/AuthTexts.qml" line="36"/>
        <source>This ID card&apos;s number is not valid</source>
        <translation>该身份证号码无效</translation>
    </message>
    <message>
        <location filename="../qml/auth/AuthTexts.qml" line="38"/>
        <source>The ID card reader is not working. Please log in another way.</source>
        <translation>身份证阅读器故障，请选择其他登录方式</translation>
    </message>
    <message>
        <location filename="../qml/auth/AuthTexts.qml" line="39"/>
        <source>The ID card reader is starting. Please wait a moment.</source>
        <translation>身份证阅读器正在启动，请稍候</translation>
    </message>
    <message>
        <location filename="../qml/auth/AuthTexts.qml" line="40"/>
        <source>The network is not answering. Please try again later.</source>
        <translation>网络无响应，请稍后再试</translation>
    </message>
    <message>
        <location filename="../qml/auth/AuthTexts.qml" line="41"/>
        <source>The request was not accepted. Please try again.</source>
        <translation>请求未被受理，请重试</translation>
    </message>
    <message>
        <location filename="../qml/auth/AuthTexts.qml" line="61"/>
        <source>Log in with your service password</source>
        <translation>使用服务密码登录</translation>
    </message>
    <message>
        <location filename="../qml/auth/AuthTexts.qml" line="62"/>
        <source>Log in with an SMS code</source>
        <translation>使用短信验证码登录</translation>
    </message>
    <message>
        <location filename="../qml/auth/AuthTexts.qml" line="63"/>
        <source>Log in with your ID card</source>
        <translation>使用身份证登录</translation>
    </message>
</context>
</TS>
