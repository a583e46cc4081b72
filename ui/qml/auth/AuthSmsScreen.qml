import QtQuick
import ".."

// Log in with a code texted to the number: send the code, type it, send again after a wait.
ScreenPage {
    id: screen
    designWidth: portrait ? 1080 : 1920
    objectName: "screen.auth.sms"
    Texts { id: texts }
    AuthTexts { id: authTexts }

    Grid {
        anchors.centerIn: parent
        columns: screen.portrait ? 1 : 2
        spacing: 80 * screen.u
        horizontalItemAlignment: Grid.AlignHCenter
        verticalItemAlignment: Grid.AlignVCenter

        Column {
            spacing: 30 * screen.u
            width: 880 * screen.u

            Text {
                objectName: "auth.sms.number"
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                text: qsTr("Mobile number %1").arg(auth.numberDisplay)
                font.pixelSize: 40 * screen.u * theme.textScale
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
            AuthSecretBox {
                objectName: "auth.sms.code"
                anchors.horizontalCenter: parent.horizontalCenter
                u: screen.u
                masked: false
                digits: auth.code
                length: auth.code.length
                opacity: auth.codeSent ? 1 : 0.4
            }
            Text {
                objectName: "auth.sms.detail"
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                visible: auth.attemptsLeft >= 0
                text: qsTr("Attempts left: %1").arg(auth.attemptsLeft)
                font.pixelSize: 38 * screen.u * theme.textScale
                color: theme.warning
            }
            KioskButton {
                objectName: "auth.sms.submit"
                visible: auth.codeSent
                width: parent.width; height: 130 * screen.u
                u: screen.u
                enabled: auth.canSubmitCode
                label: auth.busy ? qsTr("Please wait…") : qsTr("Log in")
                onClicked: auth.submitCode()
            }
            KioskButton {
                objectName: "auth.sms.send"
                width: parent.width; height: 130 * screen.u
                u: screen.u
                secondary: auth.codeSent
                enabled: auth.canRequestCode
                label: auth.resendLeft > 0 ? qsTr("Send again in %1 s").arg(auth.resendLeft)
                     : auth.codeSent ? qsTr("Send the code again") : qsTr("Send me a code")
                onClicked: auth.requestCode()
            }
        }

        Keypad {
            enabled: auth.codeSent && !auth.busy
            opacity: enabled ? 1 : 0.5
            u: screen.u
            onDigit: function(d) { auth.pressDigit(d) }
            onClear: auth.clearDigits()
            onBackspace: auth.backspace()
        }
    }
}
