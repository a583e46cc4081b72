import QtQuick
import ".."

// Number entry on an on-screen keypad; the number is grouped as 138 0013 8000.
// Landscape: what was typed and "Next" on the left, the keypad on the right.
Item {
    id: screen
    objectName: "screen.topup.number"
    readonly property real u: Math.min(Window.width / 1920, Window.height / 1080)
    Texts { id: texts }

    Row {
        anchors.centerIn: parent
        spacing: 80 * screen.u

        Column {
            anchors.verticalCenter: parent.verticalCenter
            spacing: 40 * screen.u
            width: 880 * screen.u

            Text {
                objectName: "number.prompt"
                width: parent.width
                wrapMode: Text.WordWrap
                horizontalAlignment: Text.AlignHCenter
                text: texts.message(vm.messageKey)
                font.pixelSize: 48 * screen.u * theme.textScale
                color: vm.messageKey === "topup.invalid_number" ? theme.error : theme.text
            }

            Rectangle {
                width: parent.width; height: 140 * screen.u
                radius: 12 * screen.u
                color: theme.surface
                border.color: topup.numberValid ? theme.success : theme.border
                border.width: 4 * screen.u
                Text {
                    objectName: "number.display"
                    anchors.centerIn: parent
                    text: topup.numberDisplay === "" ? qsTr("Mobile number") : topup.numberDisplay
                    color: topup.numberDisplay === "" ? theme.border : theme.text
                    font.pixelSize: 76 * screen.u * theme.textScale
                    font.letterSpacing: 4 * screen.u
                }
            }

            KioskButton {
                objectName: "number.next"
                width: parent.width; height: 130 * screen.u
                u: screen.u
                enabled: topup.numberValid && !topup.busy
                label: qsTr("Next")
                onClicked: topup.submitNumber()
            }
        }

        Keypad {
            anchors.verticalCenter: parent.verticalCenter
            u: screen.u
            onDigit: function(d) { topup.pressDigit(d) }
            onClear: topup.clearDigits()
            onBackspace: topup.backspace()
        }
    }
}
