import QtQuick
import ".."

// How to log in: service password, SMS code or ID card, each with a picture.
ScreenPage {
    id: screen
    designWidth: portrait ? 1080 : 1920
    objectName: "screen.auth.method"
    Texts { id: texts }
    AuthTexts { id: authTexts }

    Column {
        anchors.centerIn: parent
        spacing: 36 * screen.u

        Text {
            objectName: "auth.prompt"
            anchors.horizontalCenter: parent.horizontalCenter
            width: cards.width
            wrapMode: Text.WordWrap
            horizontalAlignment: Text.AlignHCenter
            text: texts.message(vm.messageKey)
            font.pixelSize: 52 * screen.u * theme.textScale
            font.bold: true
            color: authTexts.isError(vm.messageKey) ? theme.error : theme.text
        }

        Grid {
            id: cards
            anchors.horizontalCenter: parent.horizontalCenter
            columns: screen.portrait ? 1 : 3
            spacing: 36 * screen.u
            readonly property real cardWidth: (screen.portrait ? 960 : 560) * screen.u
            readonly property real cardHeight: (screen.portrait ? 420 : 600) * screen.u

            AuthMethodCard {
                objectName: "auth.method.password"
                width: cards.cardWidth; height: Math.max(cards.cardHeight, needed)
                u: screen.u
                horizontal: screen.portrait
                title: qsTr("Service password")
                hint: qsTr("The 6-digit password of your mobile number")
                onClicked: auth.chooseMethod("password")
                AuthLockPicture { anchors.centerIn: parent; u: screen.u * 0.78 }
            }
            AuthMethodCard {
                objectName: "auth.method.sms"
                width: cards.cardWidth; height: Math.max(cards.cardHeight, needed)
                u: screen.u
                horizontal: screen.portrait
                title: qsTr("SMS code")
                hint: qsTr("We text a code to your phone")
                onClicked: auth.chooseMethod("sms")
                AuthPhonePicture { anchors.centerIn: parent; u: screen.u * 0.78 }
            }
            AuthMethodCard {
                objectName: "auth.method.id_card"
                width: cards.cardWidth; height: Math.max(cards.cardHeight, needed)
                u: screen.u
                horizontal: screen.portrait
                enabled: auth.idCardAvailable
                title: qsTr("ID card")
                hint: auth.idCardAvailable ? qsTr("Put your resident ID card on the reader")
                                           : texts.message(auth.idCardReason)
                onClicked: auth.chooseMethod("id_card")
                AuthIdCardPicture { anchors.centerIn: parent; u: screen.u * 0.58; animate: false; compact: true }
            }
        }
    }
}
