import QtQuick
import ".."

// The mobile number to log in with, on the on-screen keypad (grouped as 138 0013 8000).
Item {
    id: screen
    objectName: "screen.auth.number"
    readonly property bool portrait: Window.height > Window.width
    readonly property real u: portrait ? Math.min(Window.width / 1080, Window.height / 1920)
                                       : Math.min(Window.width / 1920, Window.height / 1080)
    Texts { id: texts }
    AuthTexts { id: authTexts }

    Grid {
        anchors.centerIn: parent
        columns: screen.portrait ? 1 : 2
        spacing: 80 * screen.u
        horizontalItemAlignment: Grid.AlignHCenter
        verticalItemAlignment: Grid.AlignVCenter

        Column {
            spacing: 36 * screen.u
            width: 880 * screen.u

            Text {
                objectName: "auth.method.chosen"
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                text: authTexts.methodName(auth.method)
                font.pixelSize: 36 * screen.u * theme.textScale
                color: theme.muted
            }
            Text {
                objectName: "auth.prompt"
                width: parent.width
                wrapMode: Text.WordWrap
                horizontalAlignment: Text.AlignHCenter
                text: texts.message(vm.messageKey)
                font.pixelSize: 48 * screen.u * theme.textScale
                color: authTexts.isError(vm.messageKey) ? theme.error : theme.text
            }
            Rectangle {
                width: parent.width; height: 140 * screen.u
                radius: 12 * screen.u
                color: theme.surface
                border.color: auth.numberValid ? theme.success : theme.border
                border.width: 4 * screen.u
                Text {
                    objectName: "auth.number.display"
                    anchors.centerIn: parent
                    text: auth.numberDisplay === "" ? qsTr("Mobile number") : auth.numberDisplay
                    color: auth.numberDisplay === "" ? theme.border : theme.text
                    font.pixelSize: 76 * screen.u * theme.textScale
                    font.letterSpacing: 4 * screen.u
                }
            }
            KioskButton {
                objectName: "auth.number.next"
                width: parent.width; height: 130 * screen.u
                u: screen.u
                enabled: auth.numberValid && !auth.busy
                label: qsTr("Next")
                onClicked: auth.submitNumber()
            }
        }

        Keypad {
            u: screen.u
            onDigit: function(d) { auth.pressDigit(d) }
            onClear: auth.clearDigits()
            onBackspace: auth.backspace()
        }
    }
}
