import QtQuick
import ".."

// The mobile number to log in with, on the on-screen keypad (grouped as 138 0013 8000).
ScreenPage {
    id: screen
    designWidth: portrait ? 1080 : 1920
    objectName: "screen.auth.number"
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
                objectName: "auth.number.title"
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.WordWrap
                text: qsTr("Log in: your own mobile number")
                font.pixelSize: 56 * screen.u * theme.textScale
                font.bold: true
                color: theme.primary
            }
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
                width: parent.width; height: Math.max(140 * screen.u, display.implicitHeight + 24 * screen.u)
                radius: 12 * screen.u
                color: theme.surface
                border.color: auth.numberValid ? theme.success : theme.border
                border.width: 4 * screen.u
                Text {
                    id: display
                    objectName: "auth.number.display"
                    width: parent.width - 32 * screen.u  // the box: smaller rather than out of it
                    horizontalAlignment: Text.AlignHCenter
                    fontSizeMode: Text.HorizontalFit
                    minimumPixelSize: 20
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
