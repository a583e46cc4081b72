import QtQuick
import ".."

// The confirmation page: exactly what will change (from → to, the fee, when it takes effect),
// then the code central texts to the customer's phone, typed on the shared keypad. Send code
// asks central for the code; it can be sent again after a countdown. Back cancels the change.
ScreenPage {
    id: screen
    designWidth: portrait ? 1080 : 1920  // portrait: its own arrangement, at full size
    objectName: "screen.change.confirm"
    readonly property bool en: vm.language === "en"
    readonly property var target: change.target
    readonly property bool isPlan: target.kind === "change.plan"
    readonly property var from: isPlan ? target.from : ({})
    readonly property var to: isPlan ? target.to : ({})
    readonly property string summary: en ? change.summaryEn : change.summaryZh
    readonly property var service: !isPlan && target.service !== undefined ? target.service : ({})
    ChangeTexts { id: changeTexts }

    function nameOf(row) {
        return row === undefined || row.code === undefined ? "" : (screen.en ? row.nameEn : row.nameZh)
    }

    // One line of the change: what, and its value (before → after for a plan).
    component DetailRow: Row {
        id: detailRow
        property real u: 1
        property string name: ""  // objectName of the value, for the touch tests
        property string label: ""
        property string value: ""
        property real available: 990 * u  // the width it has: the value takes what the label leaves
        spacing: 20 * u
        Text {
            width: 300 * detailRow.u
            wrapMode: Text.WordWrap
            text: detailRow.label
            font.pixelSize: 32 * detailRow.u * theme.textScale
            color: theme.muted
        }
        Text {
            objectName: detailRow.name
            width: detailRow.available - 320 * detailRow.u
            wrapMode: Text.WordWrap
            text: detailRow.value
            font.pixelSize: 34 * detailRow.u * theme.textScale
            font.bold: true
            color: theme.text
        }
    }

    Grid {
        id: layout
        y: 20 * screen.u
        anchors.horizontalCenter: parent.horizontalCenter
        columns: screen.portrait ? 1 : 2
        columnSpacing: 70 * screen.u
        rowSpacing: 50 * screen.u
        horizontalItemAlignment: Grid.AlignHCenter
        verticalItemAlignment: Grid.AlignTop

        Column {
            width: Math.min(1040 * screen.u, screen.width - 96 * screen.u)
            spacing: 14 * screen.u

            Text {
                text: qsTr("Please check the change")
                font.pixelSize: 48 * screen.u * theme.textScale
                font.bold: true
                color: theme.text
            }

            Rectangle {
                objectName: "change.details"
                width: parent.width
                height: details.height + 30 * screen.u
                radius: 16 * screen.u
                color: theme.surface
                border.color: theme.border
                border.width: 2 * screen.u
                Column {
                    id: details
                    x: 24 * screen.u; y: 15 * screen.u
                    spacing: 6 * screen.u
                    DetailRow {
                        u: screen.u
                        available: details.parent.width - 48 * screen.u
                        name: "change.detail.what"
                        label: screen.isPlan ? qsTr("Plan") : qsTr("Service")
                        value: screen.isPlan
                               ? qsTr("%1 → %2").arg(screen.nameOf(screen.from)).arg(screen.nameOf(screen.to))
                               : screen.nameOf(screen.service)
                    }
                    DetailRow {
                        u: screen.u
                        available: details.parent.width - 48 * screen.u
                        visible: screen.isPlan
                        label: qsTr("Monthly fee")
                        value: screen.isPlan ? qsTr("%1 → %2").arg(screen.from.feeText).arg(screen.to.feeText) : ""
                    }
                    DetailRow {
                        u: screen.u
                        available: details.parent.width - 48 * screen.u
                        visible: screen.isPlan
                        label: qsTr("Data")
                        value: screen.isPlan ? qsTr("%1 → %2").arg(screen.from.dataText).arg(screen.to.dataText) : ""
                    }
                    DetailRow {
                        u: screen.u
                        available: details.parent.width - 48 * screen.u
                        visible: screen.isPlan
                        label: qsTr("Calls and texts")
                        value: screen.isPlan
                               ? qsTr("%1 → %2 min, %3 → %4 texts").arg(screen.from.minutes).arg(screen.to.minutes)
                                 .arg(screen.from.sms).arg(screen.to.sms)
                               : ""
                    }
                    DetailRow {
                        u: screen.u
                        available: details.parent.width - 48 * screen.u
                        name: "change.detail.switch"
                        visible: !screen.isPlan
                        label: qsTr("Change")
                        value: screen.service.on ? qsTr("Off → On") : qsTr("On → Off")
                    }
                    DetailRow {
                        u: screen.u
                        available: details.parent.width - 48 * screen.u
                        visible: !screen.isPlan
                        label: qsTr("Monthly fee")
                        value: screen.service.code === undefined ? ""
                               : screen.service.free ? qsTr("Free")
                               : screen.service.on ? qsTr("%1 a month from now").arg(screen.service.feeText)
                               : qsTr("%1 a month no longer charged").arg(screen.service.feeText)
                    }
                    DetailRow {
                        u: screen.u
                        available: details.parent.width - 48 * screen.u
                        label: qsTr("Takes effect")
                        value: qsTr("As soon as you confirm")
                    }
                }
            }

            Prompt {
                objectName: "change.message"
                width: parent.width
                u: screen.u * 0.85
                error: changeTexts.isProblem(vm.messageKey)
            }

            Text {
                objectName: "change.sentTo"
                width: parent.width
                wrapMode: Text.WordWrap
                visible: change.codeSent
                text: (change.phone === "" ? "" : qsTr("Code sent to %1").arg(change.phone))
                      + (screen.summary === "" ? "" : qsTr(" (%1)").arg(screen.summary))
                      + (change.attemptsLeft >= 0 ? " · " + qsTr("%n attempt(s) left", "", change.attemptsLeft) : "")
                font.pixelSize: 30 * screen.u * theme.textScale
                color: change.attemptsLeft >= 0 ? theme.error : theme.muted
            }

            KioskButton {
                objectName: "change.confirmCode"
                width: parent.width; height: 120 * screen.u
                u: screen.u
                enabled: change.canConfirm
                label: qsTr("Confirm change")
                onClicked: change.confirmCode()
            }
        }

        Column {
            spacing: 24 * screen.u
            Row {
                spacing: 20 * screen.u
                Rectangle {
                    width: keypad.width - 326 * screen.u; height: 110 * screen.u
                    radius: 12 * screen.u
                    color: change.codeSent ? theme.surface : theme.disabled
                    border.color: change.canConfirm ? theme.success : theme.border
                    border.width: 4 * screen.u
                    Text {
                        objectName: "change.code"
                        anchors.centerIn: parent
                        text: change.digits === "" ? qsTr("6-digit code") : change.digits
                        color: change.digits === "" ? theme.onDisabled : theme.text
                        font.pixelSize: (change.digits === "" ? 36 : 60) * screen.u * theme.textScale
                        font.letterSpacing: (change.digits === "" ? 0 : 10) * screen.u
                    }
                }
                KioskButton {
                    objectName: "change.send"
                    anchors.verticalCenter: parent.verticalCenter
                    width: 306 * screen.u; height: 110 * screen.u
                    u: screen.u
                    labelSize: 32
                    secondary: change.codeSent
                    enabled: change.canSend
                    label: change.codeSent ? qsTr("Resend code") : qsTr("Send code")
                    sublabel: change.resendSeconds > 0 ? qsTr("in %1 s").arg(change.resendSeconds) : ""
                    onClicked: change.sendCode()
                }
            }

            Keypad {
                id: keypad
                u: screen.u
                enabled: change.codeSent && !change.busy
                opacity: enabled ? 1 : 0.5
                onDigit: function(d) { change.pressDigit(d) }
                onClear: change.clearDigits()
                onBackspace: change.backspace()
            }
        }
    }
}
