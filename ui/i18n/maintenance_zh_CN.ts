<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>MaintenanceAbout</name>
    <message>
        <location filename="../qml/maintenance/MaintenanceAbout.qml" line="21"/>
        <source>Software version %1</source>
        <translation>软件版本 %1</translation>
    </message>
</context>
<context>
    <name>MaintenanceCash</name>
    <message>
        <location filename="../qml/maintenance/MaintenanceCash.qml" line="40"/>
        <source>Collected</source>
        <translation>已清出</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceCash.qml" line="40"/>
        <source>In the cash box</source>
        <translation>钱箱内</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceCash.qml" line="47"/>
        <source>No notes</source>
        <translation>没有纸币</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceCash.qml" line="99"/>
        <source>%1 of %2 notes</source>
        <translation>%1 / %2 张</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceCash.qml" line="120"/>
        <source>Never collected</source>
        <translation>从未清机</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceCash.qml" line="121"/>
        <source>Last collected: %1</source>
        <translation>上次清机：%1</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceCash.qml" line="130"/>
        <source>Slip printed</source>
        <translation>凭条已打印</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceCash.qml" line="131"/>
        <source>The slip did not print</source>
        <translation>凭条未打印</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceCash.qml" line="141"/>
        <source>Collect cash</source>
        <translation>清机</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceCash.qml" line="150"/>
        <source>Reprint slip</source>
        <translation>重打凭条</translation>
    </message>
    <message numerus="yes">
        <location filename="../qml/maintenance/MaintenanceCash.qml" line="178"/>
        <source>Collect %1 (%n note(s)) now?</source>
        <translation>
            <numerusform>现在清机 %1（%n 张）？</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceCash.qml" line="187"/>
        <source>The counts go to zero and a slip prints. Take the slip with the cash.</source>
        <translation>张数将归零并打印凭条。请将凭条与现金一并取走。</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceCash.qml" line="199"/>
        <source>No, keep it</source>
        <translation>不，保留</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceCash.qml" line="207"/>
        <source>Yes, collect</source>
        <translation>是，清机</translation>
    </message>
</context>
<context>
    <name>MaintenanceDevices</name>
    <message>
        <location filename="../qml/maintenance/MaintenanceDevices.qml" line="78"/>
        <source>Self-test: %1</source>
        <translation>自检：%1</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceDevices.qml" line="91"/>
        <source>Testing…</source>
        <translation>自检中…</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceDevices.qml" line="91"/>
        <source>Test</source>
        <translation>自检</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceDevices.qml" line="113"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
</context>
<context>
    <name>MaintenanceHome</name>
    <message>
        <location filename="../qml/maintenance/MaintenanceHome.qml" line="12"/>
        <source>Devices</source>
        <translation>设备</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceHome.qml" line="12"/>
        <source>Status and self-tests</source>
        <translation>状态与自检</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceHome.qml" line="13"/>
        <source>Cash box</source>
        <translation>钱箱</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceHome.qml" line="13"/>
        <source>Counts and collection</source>
        <translation>张数与清机</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceHome.qml" line="14"/>
        <source>Paper</source>
        <translation>打印纸</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceHome.qml" line="14"/>
        <source>Record a new roll</source>
        <translation>记录换纸</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceHome.qml" line="15"/>
        <source>Queue</source>
        <translation>队列</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceHome.qml" line="15"/>
        <source>Sync and dead letters</source>
        <translation>同步与死信</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceHome.qml" line="16"/>
        <source>Logs</source>
        <translation>日志</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceHome.qml" line="16"/>
        <source>Recent log lines</source>
        <translation>最近日志</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceHome.qml" line="17"/>
        <source>About</source>
        <translation>关于</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceHome.qml" line="17"/>
        <source>Version and configuration</source>
        <translation>版本与配置</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceHome.qml" line="18"/>
        <source>Service on/off</source>
        <translation>服务开关</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceHome.qml" line="18"/>
        <source>Out-of-service switch</source>
        <translation>暂停服务开关</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceHome.qml" line="19"/>
        <source>Exit</source>
        <translation>退出</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceHome.qml" line="19"/>
        <source>Back to customers</source>
        <translation>返回顾客服务</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceHome.qml" line="31"/>
        <source>Maintenance · %1</source>
        <translation>维护 · %1</translation>
    </message>
</context>
<context>
    <name>MaintenanceLogs</name>
    <message>
        <location filename="../qml/maintenance/MaintenanceLogs.qml" line="37"/>
        <source>No log lines</source>
        <translation>没有日志</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceLogs.qml" line="81"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
</context>
<context>
    <name>MaintenancePaper</name>
    <message>
        <location filename="../qml/maintenance/MaintenancePaper.qml" line="39"/>
        <source>Paper refilled</source>
        <translation>已换纸</translation>
    </message>
</context>
<context>
    <name>MaintenancePin</name>
    <message>
        <location filename="../qml/maintenance/MaintenancePin.qml" line="27"/>
        <source>Maintenance mode</source>
        <translation>维护模式</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenancePin.qml" line="48"/>
        <source>PIN</source>
        <translation>密码</translation>
    </message>
    <message numerus="yes">
        <location filename="../qml/maintenance/MaintenancePin.qml" line="60"/>
        <source>%n attempt(s) left before maintenance locks</source>
        <translation>
            <numerusform>还可尝试 %n 次，之后维护模式将锁定</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenancePin.qml" line="70"/>
        <source>Locked: try again in %1</source>
        <translation>已锁定：%1 后再试</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenancePin.qml" line="80"/>
        <source>Enter</source>
        <translation>确定</translation>
    </message>
</context>
<context>
    <name>MaintenanceQueue</name>
    <message>
        <location filename="../qml/maintenance/MaintenanceQueue.qml" line="29"/>
        <source>Waiting</source>
        <translation>等待中</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceQueue.qml" line="30"/>
        <source>Oldest waiting</source>
        <translation>最早等待</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceQueue.qml" line="32"/>
        <source>Delivered</source>
        <translation>已送达</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceQueue.qml" line="33"/>
        <source>Dead letters</source>
        <translation>死信</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceQueue.qml" line="34"/>
        <source>Central</source>
        <translation>中心</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceQueue.qml" line="35"/>
        <source>Online</source>
        <translation>在线</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceQueue.qml" line="35"/>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceQueue.qml" line="78"/>
        <source>Sync now</source>
        <translation>立即同步</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceQueue.qml" line="87"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceQueue.qml" line="95"/>
        <source>No dead letters</source>
        <translation>没有死信</translation>
    </message>
    <message numerus="yes">
        <location filename="../qml/maintenance/MaintenanceQueue.qml" line="142"/>
        <source>%n attempt(s) · %1 ago · %2</source>
        <translation>
            <numerusform>已尝试 %n 次 · %1 前 · %2</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceQueue.qml" line="157"/>
        <source>Retry</source>
        <translation>重试</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceQueue.qml" line="166"/>
        <source>Discard…</source>
        <translation>放弃…</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceQueue.qml" line="195"/>
        <source>Give up %1 for good? Choose the reason.</source>
        <translation>永久放弃 %1？请选择原因。</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceQueue.qml" line="224"/>
        <source>No, keep it</source>
        <translation>不，保留</translation>
    </message>
</context>
<context>
    <name>MaintenanceService</name>
    <message>
        <location filename="../qml/maintenance/MaintenanceService.qml" line="24"/>
        <source>Out of service</source>
        <translation>暂停服务</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceService.qml" line="24"/>
        <source>In service</source>
        <translation>正常服务中</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceService.qml" line="45"/>
        <source>Put back in service</source>
        <translation>恢复服务</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceService.qml" line="45"/>
        <source>Take out of service</source>
        <translation>暂停服务</translation>
    </message>
</context>
<context>
    <name>MaintenanceTexts</name>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="8"/>
        <source>Enter your maintenance PIN</source>
        <translation>请输入维护密码</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="9"/>
        <source>Wrong PIN. Please try again.</source>
        <translation>密码错误，请重试。</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="10"/>
        <source>This PIN is too short: maintenance PINs now have 6 to 12 digits. Ask for a new PIN.</source>
        <translation>密码位数不足：维护密码现为 6 至 12 位数字。请申请新密码。</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="11"/>
        <source>Too many wrong PINs: maintenance is locked for now</source>
        <translation>密码错误次数过多：维护模式暂时锁定</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="12"/>
        <source>Present your badge or do the touch sequence first</source>
        <translation>请先出示工卡或完成触摸序列</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="13"/>
        <source>A customer&apos;s payment is in progress. Try again later.</source>
        <translation>顾客正在付款，请稍后再试。</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="14"/>
        <source>The maintenance session has ended</source>
        <translation>维护会话已结束</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="15"/>
        <source>Maintenance could not do that</source>
        <translation>维护操作未能完成</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="16"/>
        <source>Take the kiosk out of service first</source>
        <translation>请先暂停本终端的服务</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="17"/>
        <source>Choose what to check or do</source>
        <translation>请选择要检查或执行的操作</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="18"/>
        <source>Tap Test to check a device</source>
        <translation>点“自检”检查设备</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="19"/>
        <source>Place a card on the ID card reader</source>
        <translation>请将卡片放在身份证阅读器上</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="20"/>
        <source>Self-test passed</source>
        <translation>自检通过</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="21"/>
        <source>Self-test failed: see the device&apos;s result</source>
        <translation>自检失败：请查看该设备的结果</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="22"/>
        <source>Check the counts, then collect the cash</source>
        <translation>核对张数后清机</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="23"/>
        <source>Empty the cash box now? Its counts go to zero.</source>
        <translation>现在清空钱箱？张数将归零。</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="24"/>
        <source>Cash collected. Take the slip with the cash.</source>
        <translation>已清机。请将凭条与现金一并取走。</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="25"/>
        <source>Cash collected, but the slip did not print. Tap Reprint slip.</source>
        <translation>已清机，但凭条未能打印。请点“重打凭条”。</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="26"/>
        <source>The slip was printed again</source>
        <translation>凭条已重新打印</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="27"/>
        <source>The slip could not be printed</source>
        <translation>凭条无法打印</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="28"/>
        <source>Fit a new paper roll, then tap Paper refilled</source>
        <translation>装入新纸卷后，点“已换纸”</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="29"/>
        <source>Paper refill recorded</source>
        <translation>已记录换纸</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="30"/>
        <source>Switch customer service off or on</source>
        <translation>暂停或恢复顾客服务</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="31"/>
        <source>The kiosk is now out of service</source>
        <translation>本终端已暂停服务</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="32"/>
        <source>The kiosk is back in service</source>
        <translation>本终端已恢复服务</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="33"/>
        <source>Items waiting for central, and items it refused</source>
        <translation>待发送至中心的条目及被拒条目</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="34"/>
        <source>Sending to central now</source>
        <translation>正在发送至中心</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="35"/>
        <source>The item will be sent again</source>
        <translation>该条目将重新发送</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="36"/>
        <source>Choose why this item is given up</source>
        <translation>请选择放弃此条目的原因</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="37"/>
        <source>Item discarded; your reason is recorded</source>
        <translation>已放弃该条目，原因已记录</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="38"/>
        <source>That item is no longer a dead letter</source>
        <translation>该条目已不是死信</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="39"/>
        <source>The most recent log lines, newest first</source>
        <translation>最近的日志，最新的在前</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="40"/>
        <source>Software version and configuration</source>
        <translation>软件版本与配置</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="48"/>
        <source>Bill acceptor</source>
        <translation>纸币识别器</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="49"/>
        <source>Receipt printer</source>
        <translation>凭条打印机</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="50"/>
        <source>ID card reader</source>
        <translation>身份证阅读器</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="51"/>
        <source>SIM card dispenser</source>
        <translation>SIM 卡发卡机</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="52"/>
        <source>SIM card writer</source>
        <translation>SIM 卡写卡器</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="53"/>
        <source>Bank card terminal</source>
        <translation>银行卡终端</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="63"/>
        <source>Working</source>
        <translation>工作正常</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="65"/>
        <source>Starting up</source>
        <translation>正在启动</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="66"/>
        <source>Not started yet</source>
        <translation>尚未启动</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="68"/>
        <source>Not answering: check its cable and power</source>
        <translation>无响应：请检查数据线和电源</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="70"/>
        <source>Cannot be reached: check its network cable</source>
        <translation>无法连接：请检查网线</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="71"/>
        <source>Reports a fault: run its self-test</source>
        <translation>报告故障：请执行自检</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="72"/>
        <source>Paper is running low: fit a new roll soon</source>
        <translation>纸张即将用完：请尽快更换纸卷</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="73"/>
        <source>Out of paper: fit a new roll</source>
        <translation>缺纸：请更换纸卷</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="74"/>
        <source>Cannot tell how much paper is left</source>
        <translation>无法判断剩余纸量</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="75"/>
        <source>The cover is open: close it</source>
        <translation>机盖未关：请关好</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="76"/>
        <source>A note is stuck: clear the note path</source>
        <translation>纸币卡住：请清理纸币通道</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="77"/>
        <source>The cash box is full: collect the cash</source>
        <translation>钱箱已满：请清点取款</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="78"/>
        <source>The cash box is nearly full: collect the cash soon</source>
        <translation>钱箱将满：请尽快清点取款</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="79"/>
        <source>Few SIM cards left: refill the dispenser</source>
        <translation>SIM卡即将用完：请补充发卡机</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="80"/>
        <source>No SIM cards left: refill the dispenser</source>
        <translation>SIM卡已用完：请补充发卡机</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="81"/>
        <source>A card is waiting in the exit slot</source>
        <translation>出卡口有卡未取</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="82"/>
        <source>A card is still in the reader</source>
        <translation>读卡器中仍有卡</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="83"/>
        <source>The reject bin is full: empty it</source>
        <translation>废卡箱已满：请清空</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="84"/>
        <source>No security module (SAM) found</source>
        <translation>未检测到安全模块（SAM）</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="86"/>
        <source>Its answers make no sense: check the cable, then restart it</source>
        <translation>应答异常：请检查数据线后重启设备</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="87"/>
        <source>Its note settings do not match the configuration</source>
        <translation>纸币面额设置与配置不符</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="88"/>
        <source>Closed</source>
        <translation>已关闭</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="89"/>
        <source>Restarted a moment ago</source>
        <translation>刚刚重启</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="90"/>
        <source>Several errors recently: see the logs</source>
        <translation>近期多次出错：请查看日志</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="91"/>
        <source>The disk is nearly full</source>
        <translation>磁盘空间将满</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="92"/>
        <source>The disk is full: nothing can be recorded</source>
        <translation>磁盘已满：无法记录交易</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="93"/>
        <source>Cannot tell how full the disk is</source>
        <translation>无法判断磁盘使用情况</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="94"/>
        <source>Code: %1</source>
        <translation>代码：%1</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="112"/>
        <source>(no time)</source>
        <translation>（无时间）</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="114"/>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="115"/>
        <source>Info</source>
        <translation>信息</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="125"/>
        <source>central refused it: %1 is missing</source>
        <translation>中心拒收：缺少 %1</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="128"/>
        <source>central refused it: it does not know this %1</source>
        <translation>中心拒收：无法识别该 %1</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="129"/>
        <source>central refused it: %1</source>
        <translation>中心拒收：%1</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="135"/>
        <source>OK</source>
        <translation>正常</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="115"/>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="136"/>
        <source>Warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="137"/>
        <source>Fault</source>
        <translation>故障</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="138"/>
        <source>Unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="145"/>
        <source>Paper OK</source>
        <translation>纸量正常</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="146"/>
        <source>Paper near its end</source>
        <translation>纸将用尽</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="147"/>
        <source>Out of paper</source>
        <translation>缺纸</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="148"/>
        <source>Paper state unknown</source>
        <translation>纸张状态未知</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="156"/>
        <source>Testing…</source>
        <translation>自检中…</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="157"/>
        <source>Passed</source>
        <translation>通过</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="158"/>
        <source>Failed: no card was placed</source>
        <translation>失败：未放置卡片</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="159"/>
        <source>Failed: not installed</source>
        <translation>失败：未安装</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="160"/>
        <source>Failed: %1</source>
        <translation>失败：%1</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="168"/>
        <source>Settled at the counter</source>
        <translation>已在柜台处理</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="169"/>
        <source>Duplicate of another item</source>
        <translation>与其他条目重复</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="170"/>
        <source>Test data</source>
        <translation>测试数据</translation>
    </message>
    <message>
        <location filename="../qml/maintenance/MaintenanceTexts.qml" line="171"/>
        <source>Refused for good: escalate</source>
        <translation>中心永久拒绝：上报</translation>
    </message>
</context>
</TS>
