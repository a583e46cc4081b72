import QtQuick
import ".."

// The technician's PIN after a badge or the hidden touch sequence: masked digits on the shared
// keypad, the attempts left (from the start, not only after a wrong PIN), and the lockout's
// countdown. Enter sends any PIN typed: the gate says what is wrong with one (too short, wrong).
ScreenPage {
    id: screen
    designWidth: portrait ? 1080 : 1920  // portrait: its own arrangement, at full size
    objectName: "screen.maintenance.pin"
    readonly property bool locked: maintenance.lockSecondsLeft > 0

    Grid {  // the PIN beside the keypad; portrait: above it
        anchors.centerIn: parent
        columns: screen.portrait ? 1 : 2
        spacing: 80 * screen.u
        verticalItemAlignment: Grid.AlignVCenter
        horizontalItemAlignment: Grid.AlignHCenter

        Column {
            spacing: 36 * screen.u
            width: Math.min(880 * screen.u, screen.width - 96 * screen.u)

            Text {
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                text: qsTr("Maintenance mode")
                font.pixelSize: 60 * screen.u * theme.textScale
                font.bold: true
                color: theme.text
            }
            Prompt {
                objectName: "maintenance.pin.message"
                width: parent.width
                u: screen.u
                error: vm.messageKey === "maintenance.wrong_pin"
                       || vm.messageKey === "maintenance.pin_too_short" || screen.locked
            }
            Rectangle {
                width: parent.width; height: 140 * screen.u
                radius: 12 * screen.u
                color: theme.surface
                border.color: theme.border
                border.width: 4 * screen.u
                Text {
                    objectName: "maintenance.pin.display"
                    anchors.centerIn: parent
                    text: maintenance.pinLength === 0 ? qsTr("PIN") : maintenance.pinMask
                    color: maintenance.pinLength === 0 ? theme.border : theme.text
                    font.pixelSize: 72 * screen.u * theme.textScale
                    font.letterSpacing: 12 * screen.u
                }
            }
            Text {
                objectName: "maintenance.pin.attempts"
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.WordWrap
                visible: maintenance.attemptsLeft > 0 && !screen.locked
                text: qsTr("%n attempt(s) left before maintenance locks", "", maintenance.attemptsLeft)
                font.pixelSize: 38 * screen.u * theme.textScale
                color: theme.warning
            }
            Text {
                objectName: "maintenance.pin.lock"
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.WordWrap
                visible: screen.locked
                text: qsTr("Locked: try again in %1").arg(maintenance.lockText)
                font.pixelSize: 44 * screen.u * theme.textScale
                font.bold: true
                color: theme.error
            }
            KioskButton {
                objectName: "maintenance.pin.enter"
                width: parent.width; height: 130 * screen.u
                u: screen.u
                enabled: maintenance.canSubmitPin && !vm.busy
                label: qsTr("Enter")
                onClicked: maintenance.submitPin()
            }
        }

        Keypad {
            u: screen.u
            enabled: !screen.locked
            onDigit: function(d) { maintenance.pressDigit(d) }
            onClear: maintenance.clearPin()
            onBackspace: maintenance.backspace()
        }
    }
}
