import QtQuick
import ".."

// The value-added services with their on/off state and one button per service to switch it the
// other way; the confirmation page follows (nothing changes before the texted code).
ScreenPage {
    id: screen
    designWidth: portrait ? 1080 : 1920  // portrait: its own arrangement, at full size
    objectName: "screen.change.services"
    readonly property bool en: vm.language === "en"
    ChangeTexts { id: changeTexts }

    Column {
        id: content
        y: 30 * screen.u
        anchors.horizontalCenter: parent.horizontalCenter
        width: Math.min(1500 * screen.u, screen.width - 96 * screen.u)
        spacing: 24 * screen.u

        // A suspended line: nothing can change until the bill is paid — and the way to pay it.
        Column {
            visible: change.suspended
            anchors.horizontalCenter: parent.horizontalCenter
            width: parent.width
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
            width: parent.width
            u: screen.u
            error: changeTexts.isProblem(vm.messageKey)
        }

        Repeater {
            model: change.serviceList
            Rectangle {
                id: row
                required property var modelData
                objectName: "change.serviceRow." + modelData.code
                width: content.width
                height: Math.max(150 * screen.u, rowText.height + 40 * screen.u)
                radius: 18 * screen.u
                color: theme.surface
                border.color: modelData.on ? theme.success : theme.border
                border.width: (modelData.on ? 5 : 2) * screen.u

                Column {
                    id: rowText
                    anchors { left: parent.left; leftMargin: 32 * screen.u; verticalCenter: parent.verticalCenter }
                    width: parent.width - 32 * screen.u - stateText.width - toggle.width - 100 * screen.u
                    spacing: 6 * screen.u
                    Text {
                        width: parent.width
                        wrapMode: Text.Wrap  // a word longer than the line breaks rather than runs over
                        text: screen.en ? row.modelData.nameEn : row.modelData.nameZh
                        font.pixelSize: 42 * screen.u * theme.textScale
                        font.bold: true
                        color: theme.text
                    }
                    Text {
                        width: parent.width
                        wrapMode: Text.WordWrap
                        // Roaming costs nothing to switch on; what is used abroad is charged.
                        text: (row.modelData.free ? qsTr("Free") : qsTr("%1 a month").arg(row.modelData.feeText))
                              + (row.modelData.code === "ROAMING"
                                 ? "\n" + qsTr("Calls, texts and data abroad are charged at roaming rates.") : "")
                        font.pixelSize: 32 * screen.u * theme.textScale
                        color: theme.muted
                    }
                }
                Text {
                    id: stateText
                    objectName: "change.serviceState." + row.modelData.code
                    anchors { right: toggle.left; rightMargin: 40 * screen.u; verticalCenter: parent.verticalCenter }
                    text: row.modelData.on ? qsTr("On") : qsTr("Off")
                    font.pixelSize: 42 * screen.u * theme.textScale
                    font.bold: true
                    color: row.modelData.on ? theme.success : theme.muted
                }
                KioskButton {
                    id: toggle
                    objectName: "change.service." + row.modelData.code
                    anchors { right: parent.right; rightMargin: 24 * screen.u; verticalCenter: parent.verticalCenter }
                    width: (screen.portrait ? 280 : 360) * screen.u; height: 110 * screen.u
                    u: screen.u
                    labelSize: 38
                    secondary: row.modelData.on
                    enabled: !change.busy && !change.suspended
                    label: row.modelData.on ? qsTr("Switch off") : qsTr("Switch on")
                    onClicked: change.toggleService(row.modelData.code)
                }
            }
        }
    }
}
