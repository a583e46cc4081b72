import QtQuick
import ".."

// Insert cash: the live total, how much more may be inserted, Confirm when done.
ScreenPage {
    id: screen
    designWidth: portrait ? 1080 : 1920  // portrait: its own arrangement, at full size
    objectName: "screen.topup.cash"
    Texts { id: texts }

    Column {
        id: mainColumn
        anchors.centerIn: parent
        spacing: 30 * screen.u

        Text {
            anchors.horizontalCenter: parent.horizontalCenter
            text: qsTr("Topping up %1").arg(topup.numberDisplay)
            font.pixelSize: 52 * screen.u * theme.textScale
            color: theme.text
        }
        Text {
            objectName: "cash.message"
            anchors.horizontalCenter: parent.horizontalCenter
            text: texts.message(vm.messageKey)
            font.pixelSize: 44 * screen.u * theme.textScale
            color: theme.muted
        }
        Rectangle {
            anchors.horizontalCenter: parent.horizontalCenter
            width: 900 * screen.u; height: Math.max(260 * screen.u, children[0].height + 24 * screen.u)  // its content, centred
            radius: 20 * screen.u
            color: theme.surface
            Column {
                anchors.centerIn: parent
                spacing: 10 * screen.u
                Text {
                    anchors.horizontalCenter: parent.horizontalCenter
                    text: qsTr("Inserted")
                    font.pixelSize: 40 * screen.u * theme.textScale
                    color: theme.muted
                }
                Text {
                    objectName: "cash.total"
                    width: parent.parent.width - 32 * screen.u  // the box: smaller rather than out of it
                    horizontalAlignment: Text.AlignHCenter
                    fontSizeMode: Text.HorizontalFit
                    minimumPixelSize: 20
                    anchors.horizontalCenter: parent.horizontalCenter
                    text: topup.creditedText
                    font.pixelSize: 120 * screen.u * theme.textScale
                    font.bold: true
                    color: theme.success
                }
            }
        }
        Text {
            objectName: "cash.notes"
            anchors.horizontalCenter: parent.horizontalCenter
            text: qsTr("%n note(s) accepted · up to %1 more", "", topup.noteCount).arg(topup.remainingText)
            font.pixelSize: 36 * screen.u * theme.textScale
            color: theme.muted
        }
        // Back and Cancel go grey once a note is in: say why, and what becomes of the money.
        Text {
            objectName: "cash.locked"
            visible: topup.creditedFen > 0
            anchors.horizontalCenter: parent.horizontalCenter
            width: Math.min(1100 * screen.u, screen.width - 96 * screen.u)
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: qsTr("Back and Cancel are off: notes cannot be given back. Press Confirm to top up %1; if you leave, it is topped up for you.").arg(topup.creditedText)
            font.pixelSize: 34 * screen.u * theme.textScale
            color: theme.warning
        }
        KioskButton {
            objectName: "cash.confirm"
            anchors.horizontalCenter: parent.horizontalCenter
            width: 820 * screen.u; height: 130 * screen.u
            u: screen.u
            enabled: topup.canConfirm
            label: topup.busy ? qsTr("Please wait…") : qsTr("Confirm top-up of %1").arg(topup.creditedText)
            onClicked: topup.confirm()
        }
    }

    // Developer aid, shown only with a simulated acceptor: put notes into it.
    Grid {
        visible: topup.simulator
        // the last row of the page's own column, never over what the customer reads
        parent: mainColumn
        columns: 5
        anchors.horizontalCenter: parent.horizontalCenter
        verticalItemAlignment: Grid.AlignVCenter
        horizontalItemAlignment: Grid.AlignHCenter
        spacing: 16 * screen.u
        Text {
            text: qsTr("Simulator:")
            font.pixelSize: 28 * screen.u * theme.textScale
            color: theme.border
        }
        Repeater {
            model: [1000, 2000, 5000, 10000]
            KioskButton {
                required property int modelData
                objectName: "sim.note." + modelData
                width: 200 * screen.u; height: 90 * screen.u
                u: screen.u * 0.8
                secondary: true
                label: "¥" + (modelData / 100)
                onClicked: topup.insertNote(modelData)
            }
        }
    }
}
