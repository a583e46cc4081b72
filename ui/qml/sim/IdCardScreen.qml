import QtQuick
import ".."

// Put the ID card on the reader: a picture of the card going onto the reader, and one sentence.
ScreenPage {
    id: screen
    designWidth: portrait ? 1080 : 1920  // portrait: its own arrangement, at full size
    objectName: "screen.sim.idcard"
    readonly property bool failed: vm.messageKey.indexOf("idcard.") === 0
                                   || vm.messageKey.indexOf("realname.") === 0
                                   || vm.messageKey.indexOf("auth.") === 0

    Column {
        anchors.centerIn: parent
        spacing: 40 * screen.u

        Prompt {
            objectName: "sim.idcard.prompt"
            anchors.horizontalCenter: parent.horizontalCenter
            width: Math.min(1500 * screen.u, screen.width - 96 * screen.u)
            u: screen.u
            error: screen.failed
        }

        // The illustration: the card lowers onto the reader's marked area, again and again.
        Item {
            id: picture
            anchors.horizontalCenter: parent.horizontalCenter
            width: 760 * screen.u; height: 520 * screen.u

            Rectangle {
                id: reader
                anchors { horizontalCenter: parent.horizontalCenter; bottom: parent.bottom }
                width: 700 * screen.u; height: 200 * screen.u
                radius: 24 * screen.u
                color: theme.surface
                border.color: theme.border
                border.width: 4 * screen.u
                Rectangle {
                    anchors.centerIn: parent
                    width: 500 * screen.u; height: 130 * screen.u
                    radius: 14 * screen.u
                    color: "transparent"
                    border.color: theme.primary
                    border.width: 5 * screen.u
                    Text {
                        anchors.centerIn: parent
                        text: qsTr("ID card here")
                        font.pixelSize: 36 * screen.u * theme.textScale
                        color: theme.primary
                    }
                }
            }

            Rectangle {
                id: card
                objectName: "sim.idcard.picture"
                x: (picture.width - width) / 2
                width: 480 * screen.u; height: 300 * screen.u
                radius: 18 * screen.u
                color: "#dcebf7"
                border.color: "#7fa7c9"
                border.width: 3 * screen.u
                Rectangle {  // the photo
                    anchors { right: parent.right; rightMargin: 30 * screen.u; verticalCenter: parent.verticalCenter }
                    width: 120 * screen.u; height: 150 * screen.u
                    radius: 8 * screen.u
                    color: "#a9c4dc"
                }
                Column {
                    anchors { left: parent.left; leftMargin: 30 * screen.u; verticalCenter: parent.verticalCenter }
                    spacing: 18 * screen.u
                    Repeater {
                        model: 4
                        Rectangle {
                            required property int index
                            width: (index === 3 ? 260 : 220) * screen.u; height: 18 * screen.u
                            radius: 9 * screen.u
                            color: "#a9c4dc"
                        }
                    }
                }
                SequentialAnimation on y {
                    loops: Animation.Infinite
                    NumberAnimation { from: 0; to: 190 * screen.u; duration: 1400; easing.type: Easing.InOutQuad }
                    PauseAnimation { duration: 900 }
                    NumberAnimation { from: 190 * screen.u; to: 0; duration: 400 }
                }
            }
        }

        Text {
            anchors.horizontalCenter: parent.horizontalCenter
            width: Math.min(1500 * screen.u, screen.width - 96 * screen.u)
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: sim.mode === "replacement"
                  ? qsTr("Only the owner of the line can replace its SIM card.")
                  : qsTr("Your ID card is checked with the national real-name register. Keep it on the reader until it beeps.")
            font.pixelSize: 34 * screen.u * theme.textScale
            color: theme.muted
        }
    }
}
