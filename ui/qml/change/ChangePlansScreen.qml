import QtQuick
import ".."

// The customer's plan and the plans to switch to: name, monthly fee, data, minutes and texts,
// what changes against the customer's plan and when it takes effect. Tapping a plan's button
// opens the confirmation page (nothing changes before the texted code is entered there).
ScreenPage {
    id: screen
    objectName: "screen.change.plans"
    designWidth: portrait ? 1080 : 1920
    readonly property bool en: vm.language === "en"
    ChangeTexts { id: changeTexts }

    Column {
        id: content
        y: 20 * screen.u
        anchors.horizontalCenter: parent.horizontalCenter
        spacing: 20 * screen.u

        Text {
            width: Math.min(implicitWidth, screen.width - 96 * screen.u)
            wrapMode: Text.WordWrap
            horizontalAlignment: Text.AlignHCenter
            objectName: "change.currentPlan"
            anchors.horizontalCenter: parent.horizontalCenter
            text: change.currentPlan.code === undefined ? ""
                  : qsTr("Your plan: %1 · %2 a month")
                    .arg(screen.en ? change.currentPlan.nameEn : change.currentPlan.nameZh)
                    .arg(change.currentPlan.feeText)
            font.pixelSize: 44 * screen.u * theme.textScale
            font.bold: true
            color: theme.text
        }
        // A suspended line: nothing can change until the bill is paid — and the way to pay it.
        Column {
            visible: change.suspended
            anchors.horizontalCenter: parent.horizontalCenter
            width: Math.min(1500 * screen.u, screen.width - 96 * screen.u)
            spacing: 16 * screen.u
            Text {
                objectName: "change.suspended"
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.WordWrap
                text: qsTr("This line is suspended: its plan and services cannot be changed until the bill is paid.")
                font.pixelSize: 40 * screen.u * theme.textScale
                font.bold: true
                color: theme.warning
            }
            KioskButton {
                objectName: "change.payBill"
                anchors.horizontalCenter: parent.horizontalCenter
                width: Math.min(700 * screen.u, parent.width); height: 120 * screen.u
                u: screen.u
                label: qsTr("Pay the bill")
                onClicked: vm.startService("bill.cash")
            }
        }
        Prompt {
            objectName: "change.message"
            anchors.horizontalCenter: parent.horizontalCenter
            width: grid.width
            u: screen.u * 0.9
            error: changeTexts.isProblem(vm.messageKey)
        }
        Grid {
            id: grid
            anchors.horizontalCenter: parent.horizontalCenter
            columns: screen.portrait ? 2 : 4
            readonly property real cardWidth: (screen.width - 96 * screen.u - (columns - 1) * spacing) / columns
            spacing: 24 * screen.u

            Repeater {
                model: change.plans
                Rectangle {
                    id: card
                    required property var modelData
                    objectName: "change.planCard." + modelData.code
                    width: grid.cardWidth
                    height: cardColumn.height + 40 * screen.u
                    radius: 18 * screen.u
                    color: theme.surface
                    border.color: modelData.current ? theme.success : theme.border
                    border.width: (modelData.current ? 6 : 2) * screen.u

                    Column {
                        id: cardColumn
                        x: 20 * screen.u; y: 20 * screen.u
                        width: card.width - 40 * screen.u
                        spacing: 10 * screen.u

                        Text {
                            width: parent.width
                            wrapMode: Text.WordWrap
                            text: screen.en ? card.modelData.nameEn : card.modelData.nameZh
                            font.pixelSize: 38 * screen.u * theme.textScale
                            font.bold: true
                            color: theme.text
                        }
                        Text {
                            objectName: "change.planFee." + card.modelData.code
                            width: parent.width
                            fontSizeMode: Text.HorizontalFit
                            minimumPixelSize: 20
                            text: qsTr("%1 a month").arg(card.modelData.feeText)
                            font.pixelSize: 44 * screen.u * theme.textScale
                            font.bold: true
                            color: theme.primary
                        }
                        // One allowance a line: a line that wraps must not break 分钟 or "min".
                        Repeater {
                            model: [qsTr("%1 data").arg(card.modelData.dataText),
                                    qsTr("%1 min calls").arg(card.modelData.minutes),
                                    qsTr("%1 texts").arg(card.modelData.sms)]
                            Text {
                                required property string modelData
                                width: cardColumn.width
                                wrapMode: Text.WordWrap
                                text: modelData
                                font.pixelSize: 32 * screen.u * theme.textScale
                                color: theme.text
                            }
                        }
                        Text {
                            width: parent.width
                            wrapMode: Text.WordWrap
                            text: card.modelData.current ? qsTr("This is your plan now")
                                                         : qsTr("Compared with your plan:")
                            font.pixelSize: 28 * screen.u * theme.textScale
                            color: card.modelData.current ? theme.success : theme.muted
                        }
                        Text {
                            objectName: "change.planDiff." + card.modelData.code
                            width: parent.width
                            wrapMode: Text.WordWrap
                            visible: !card.modelData.current
                            text: qsTr("%1 a month").arg(card.modelData.feeDiff) + "\n"
                                  + qsTr("%1 data · %2 min").arg(card.modelData.dataDiff).arg(card.modelData.minutesDiff)
                            font.pixelSize: 30 * screen.u * theme.textScale
                            color: theme.text
                        }
                        Text {
                            width: parent.width
                            wrapMode: Text.WordWrap
                            visible: !card.modelData.current
                            text: qsTr("Takes effect as soon as you confirm")
                            font.pixelSize: 28 * screen.u * theme.textScale
                            color: theme.muted
                        }
                        KioskButton {
                            objectName: "change.plan." + card.modelData.code
                            width: parent.width; height: 110 * screen.u
                            u: screen.u
                            labelSize: 38
                            enabled: !card.modelData.current && !change.busy && !change.suspended
                            label: card.modelData.current ? qsTr("Your plan") : qsTr("Choose")
                            onClicked: change.choosePlan(card.modelData.code)
                        }
                    }
                }
            }
        }
    }
}
