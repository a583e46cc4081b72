import QtQuick
import ".."

// The 6-digit service password, shown as dots; wrong ones say how many tries are left, and a
// locked number offers the other ways in.
ScreenPage {
    id: screen
    designWidth: portrait ? 1080 : 1920
    objectName: "screen.auth.password"
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
                objectName: "auth.password.number"
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
                objectName: "auth.password.dots"
                anchors.horizontalCenter: parent.horizontalCenter
                u: screen.u
                masked: true
                length: auth.passwordLength
            }
            Text {
                objectName: "auth.password.detail"
                width: parent.width
                wrapMode: Text.WordWrap
                horizontalAlignment: Text.AlignHCenter
                visible: text !== ""
                text: auth.locked ? qsTr("Try again after %1, or log in another way.").arg(auth.lockedUntil)
                    : auth.attemptsLeft >= 0 ? qsTr("Attempts left: %1").arg(auth.attemptsLeft) : ""
                font.pixelSize: 38 * screen.u * theme.textScale
                color: auth.locked ? theme.error : theme.warning
            }
            KioskButton {
                objectName: "auth.password.submit"
                visible: !auth.locked
                width: parent.width; height: 130 * screen.u
                u: screen.u
                enabled: auth.canSubmitPassword
                label: auth.busy ? qsTr("Please wait…") : qsTr("Log in")
                onClicked: auth.submitPassword()
            }
            Row {
                visible: auth.locked
                spacing: 30 * screen.u
                KioskButton {
                    objectName: "auth.password.useSms"
                    width: 425 * screen.u; height: 130 * screen.u
                    u: screen.u
                    label: qsTr("SMS code")
                    onClicked: auth.switchMethod("sms")
                }
                KioskButton {
                    objectName: "auth.password.useIdCard"
                    width: 425 * screen.u; height: 130 * screen.u
                    u: screen.u
                    enabled: auth.idCardAvailable
                    label: qsTr("ID card")
                    onClicked: auth.switchMethod("id_card")
                }
            }
        }

        Keypad {
            enabled: !auth.locked && !auth.busy
            opacity: enabled ? 1 : 0.5
            u: screen.u
            onDigit: function(d) { auth.pressDigit(d) }
            onClear: auth.clearDigits()
            onBackspace: auth.backspace()
        }
    }
}
