<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ChangeConfirmScreen</name>
    <message>
        <location filename="../qml/change/ChangeConfirmScreen.qml" line="66"/>
        <source>Please check the change</source>
        <translation>请核对变更内容</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangeConfirmScreen.qml" line="88"/>
        <source>Plan</source>
        <translation>套餐</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangeConfirmScreen.qml" line="88"/>
        <source>Service</source>
        <translation>业务</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangeConfirmScreen.qml" line="90"/>
        <location filename="../qml/change/ChangeConfirmScreen.qml" line="98"/>
        <location filename="../qml/change/ChangeConfirmScreen.qml" line="105"/>
        <source>%1 → %2</source>
        <translation>%1 → %2</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangeConfirmScreen.qml" line="97"/>
        <location filename="../qml/change/ChangeConfirmScreen.qml" line="129"/>
        <source>Monthly fee</source>
        <translation>月费</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangeConfirmScreen.qml" line="104"/>
        <source>Data</source>
        <translation>流量</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangeConfirmScreen.qml" line="111"/>
        <source>Calls and texts</source>
        <translation>通话和短信</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangeConfirmScreen.qml" line="113"/>
        <source>%1 → %2 min, %3 → %4 texts</source>
        <translation>通话 %1 → %2 分钟，短信 %3 → %4 条</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangeConfirmScreen.qml" line="122"/>
        <source>Change</source>
        <translation>变更</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangeConfirmScreen.qml" line="123"/>
        <source>Off → On</source>
        <translation>未开通 → 已开通</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangeConfirmScreen.qml" line="123"/>
        <source>On → Off</source>
        <translation>已开通 → 已退订</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangeConfirmScreen.qml" line="131"/>
        <source>Free</source>
        <translation>免费</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangeConfirmScreen.qml" line="132"/>
        <source>%1 a month from now</source>
        <translation>从现在起 %1/月</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangeConfirmScreen.qml" line="133"/>
        <source>%1 a month no longer charged</source>
        <translation>不再收取 %1/月</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangeConfirmScreen.qml" line="138"/>
        <source>Takes effect</source>
        <translation>生效时间</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangeConfirmScreen.qml" line="139"/>
        <source>As soon as you confirm</source>
        <translation>确认后立即生效</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangeConfirmScreen.qml" line="201"/>
        <source>in %1 s</source>
        <translation>%1 秒后可用</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangeConfirmScreen.qml" line="186"/>
        <source>6-digit code</source>
        <translation>6 位验证码</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangeConfirmScreen.qml" line="156"/>
        <source>Code sent to %1</source>
        <translation>验证码已发送至 %1</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangeConfirmScreen.qml" line="157"/>
        <source> (%1)</source>
        <translation>（%1）</translation>
    </message>
    <message numerus="yes">
        <location filename="../qml/change/ChangeConfirmScreen.qml" line="158"/>
        <source>%n attempt(s) left</source>
        <translation>
            <numerusform>还可尝试 %n 次</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../qml/change/ChangeConfirmScreen.qml" line="200"/>
        <source>Send code</source>
        <translation>获取验证码</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangeConfirmScreen.qml" line="200"/>
        <source>Resend code</source>
        <translation>重新获取</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangeConfirmScreen.qml" line="168"/>
        <source>Confirm change</source>
        <translation>确认变更</translation>
    </message>
</context>
<context>
    <name>ChangePlansScreen</name>
    <message>
        <location filename="../qml/change/ChangePlansScreen.qml" line="27"/>
        <source>Your plan: %1 · %2 a month</source>
        <translation>您的套餐：%1 · %2/月</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangePlansScreen.qml" line="45"/>
        <source>This line is suspended: its plan and services cannot be changed until the bill is paid.</source>
        <translation>该号码已停机：缴清话费后才能变更套餐和业务。</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangePlansScreen.qml" line="55"/>
        <source>Pay the bill</source>
        <translation>去缴话费</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangePlansScreen.qml" line="105"/>
        <location filename="../qml/change/ChangePlansScreen.qml" line="137"/>
        <source>%1 a month</source>
        <translation>%1/月</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangePlansScreen.qml" line="112"/>
        <source>%1 data</source>
        <translation>流量 %1</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangePlansScreen.qml" line="113"/>
        <source>%1 min calls</source>
        <translation>通话 %1 分钟</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangePlansScreen.qml" line="114"/>
        <source>%1 texts</source>
        <translation>短信 %1 条</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangePlansScreen.qml" line="127"/>
        <source>This is your plan now</source>
        <translation>这是您当前的套餐</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangePlansScreen.qml" line="128"/>
        <source>Compared with your plan:</source>
        <translation>与您当前套餐相比：</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangePlansScreen.qml" line="138"/>
        <source>%1 data · %2 min</source>
        <translation>流量 %1 · 通话 %2 分钟</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangePlansScreen.qml" line="146"/>
        <source>Takes effect as soon as you confirm</source>
        <translation>确认后立即生效</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangePlansScreen.qml" line="156"/>
        <source>Your plan</source>
        <translation>当前套餐</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangePlansScreen.qml" line="156"/>
        <source>Choose</source>
        <translation>选择</translation>
    </message>
</context>
<context>
    <name>ChangeResultScreen</name>
    <message>
        <location filename="../qml/change/ChangeResultScreen.qml" line="34"/>
        <source>Your plan is now %1</source>
        <translation>您的套餐现为%1</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangeResultScreen.qml" line="36"/>
        <source>%1 is now on</source>
        <translation>%1已开通</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangeResultScreen.qml" line="37"/>
        <source>%1 is now off</source>
        <translation>%1已退订</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangeResultScreen.qml" line="44"/>
        <source>Reference: %1</source>
        <translation>业务流水号：%1</translation>
    </message>
</context>
<context>
    <name>ChangeServicesScreen</name>
    <message>
        <location filename="../qml/change/ChangeServicesScreen.qml" line="31"/>
        <source>This line is suspended: its plan and services cannot be changed until the bill is paid.</source>
        <translation>该号码已停机：缴清话费后才能变更套餐和业务。</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangeServicesScreen.qml" line="41"/>
        <source>Pay the bill</source>
        <translation>去缴话费</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangeServicesScreen.qml" line="82"/>
        <source>Free</source>
        <translation>免费</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangeServicesScreen.qml" line="82"/>
        <source>%1 a month</source>
        <translation>%1/月</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangeServicesScreen.qml" line="84"/>
        <source>Calls, texts and data abroad are charged at roaming rates.</source>
        <translation>在境外通话、短信和上网按国际漫游资费收费。</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangeServicesScreen.qml" line="93"/>
        <source>On</source>
        <translation>已开通</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangeServicesScreen.qml" line="93"/>
        <source>Off</source>
        <translation>未开通</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangeServicesScreen.qml" line="107"/>
        <source>Switch off</source>
        <translation>退订</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangeServicesScreen.qml" line="107"/>
        <source>Switch on</source>
        <translation>开通</translation>
    </message>
</context>
<context>
    <name>ChangeTexts</name>
    <message>
        <location filename="../qml/change/ChangeTexts.qml" line="9"/>
        <source>Tap the plan you want to switch to</source>
        <translation>请点击您要更换的套餐</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangeTexts.qml" line="10"/>
        <source>Tap a service to switch it on or off</source>
        <translation>点击业务即可开通或取消</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangeTexts.qml" line="11"/>
        <source>Check the change, then tap Send code</source>
        <translation>请核对变更内容，然后点击“获取验证码”</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangeTexts.qml" line="12"/>
        <source>Enter the 6-digit code we texted to your phone</source>
        <translation>请输入短信收到的 6 位验证码</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangeTexts.qml" line="13"/>
        <source>A new code was texted to you. Enter it below.</source>
        <translation>新的验证码已发送，请在下方输入。</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangeTexts.qml" line="14"/>
        <source>Please enter the same code as before and tap Confirm</source>
        <translation>请输入与上次相同的验证码并点击“确认变更”</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangeTexts.qml" line="15"/>
        <source>No answer yet. Tap Confirm again: it is safe.</source>
        <translation>暂未收到结果，请再次点击“确认变更”，不会重复办理。</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangeTexts.qml" line="16"/>
        <source>Done. Your change has been made.</source>
        <translation>办理成功，变更已生效。</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangeTexts.qml" line="17"/>
        <source>Cancelled. Nothing was changed.</source>
        <translation>已取消，未做任何变更。</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangeTexts.qml" line="18"/>
        <source>The code has 6 digits</source>
        <translation>验证码为 6 位数字</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangeTexts.qml" line="19"/>
        <source>This plan is no longer offered</source>
        <translation>该套餐已停止办理</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangeTexts.qml" line="20"/>
        <source>This is already your plan</source>
        <translation>这已是您当前的套餐</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangeTexts.qml" line="21"/>
        <source>That service is already on. The list is up to date now.</source>
        <translation>该业务已是开通状态，列表已更新。</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangeTexts.qml" line="22"/>
        <source>That service is already off. The list is up to date now.</source>
        <translation>该业务已是取消状态，列表已更新。</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangeTexts.qml" line="23"/>
        <source>Your line is suspended. Please pay your bill first.</source>
        <translation>您的号码已停机，请先缴清话费。</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangeTexts.qml" line="24"/>
        <source>Wrong code. Please check the text message and try again.</source>
        <translation>验证码不正确，请核对短信后重试。</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangeTexts.qml" line="25"/>
        <source>The code has expired. Tap Resend code for a new one.</source>
        <translation>验证码已过期，请点击“重新获取”。</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangeTexts.qml" line="26"/>
        <source>This code can no longer be used. Tap Resend code for a new one.</source>
        <translation>该验证码已失效，请点击“重新获取”。</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangeTexts.qml" line="27"/>
        <source>This code is not valid any more. Tap Resend code for a new one.</source>
        <translation>该验证码已无效，请点击“重新获取”。</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangeTexts.qml" line="28"/>
        <source>A code was sent less than a minute ago. Please wait a moment.</source>
        <translation>验证码发送不足一分钟，请稍后再试。</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangeTexts.qml" line="29"/>
        <source>The service centre cannot be reached. Please try again.</source>
        <translation>暂时无法连接业务中心，请稍后重试。</translation>
    </message>
    <message>
        <location filename="../qml/change/ChangeTexts.qml" line="30"/>
        <source>That cannot be done right now</source>
        <translation>当前无法办理此操作</translation>
    </message>
</context>
</TS>
