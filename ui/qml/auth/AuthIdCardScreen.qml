import QtQuick
import ".."

// Log in with the resident ID card: a picture of where it goes, then "checking" once it is read.
ScreenPage {
    id: screen
    designWidth: portrait ? 1080 : 1920
    objectName: "screen.auth.idcard"
    Texts { id: texts }
    AuthTexts { id: authTexts }

    Grid {
        anchors.centerIn: parent
        columns: screen.portrait ? 1 : 2
        spacing: 80 * screen.u
        horizontalItemAlignment: Grid.AlignHCenter
        verticalItemAlignment: Grid.AlignVCenter

        AuthIdCardPicture {
            objectName: "auth.idcard.picture"
            u: screen.u * 1.2
            animate: auth.cardState !== "checking"
        }

        Column {
            spacing: 30 * screen.u
            width: 820 * screen.u

            Text {
                objectName: "auth.idcard.number"
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
                font.pixelSize: 52 * screen.u * theme.textScale
                font.bold: true
                color: authTexts.isError(vm.messageKey) ? theme.error : theme.text
            }
            Text {
                objectName: "auth.idcard.state"
                width: parent.width
                wrapMode: Text.WordWrap
                horizontalAlignment: Text.AlignHCenter
                text: auth.cardState === "checking" ? qsTr("Reading your card. Leave it on the reader.")
                    : qsTr("Waiting for your ID card…")
                font.pixelSize: 36 * screen.u * theme.textScale
                color: theme.muted
            }
        }
    }

    // Developer aid, shown only with a simulated reader: put one of its test cards on it.
    Row {
        visible: auth.simulator
        anchors { right: parent.right; rightMargin: 40 * screen.u; bottom: parent.bottom; bottomMargin: 24 * screen.u }
        spacing: 12 * screen.u
        Text {
            anchors.verticalCenter: parent.verticalCenter
            text: qsTr("Simulator:")
            font.pixelSize: 26 * screen.u * theme.textScale
            color: theme.border
        }
        Repeater {
            model: ["valid", "for_life", "expired"]
            KioskButton {
                required property string modelData
                objectName: "auth.sim." + modelData
                width: 250 * screen.u; height: 80 * screen.u
                u: screen.u
                secondary: true
                labelSize: 28
                label: modelData === "valid" ? qsTr("Test card A")
                     : modelData === "for_life" ? qsTr("Test card B") : qsTr("Expired card")
                onClicked: auth.placeTestCard(modelData)
            }
        }
    }
}
