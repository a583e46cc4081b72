import QtQuick
import ".."

// Paying a bill in cash: what is due, what was put in, what is still owed; anything above the
// amount goes to the balance (no change). The payment completes by itself once the amount is
// reached; "Pay now" pays with what is in so far.
ScreenPage {
    id: screen
    designWidth: portrait ? 1080 : 1920
    objectName: "screen.payment.cash"
    // Portrait (1080×1920): the same items stacked, on a unit laid out for 1080 wide.
    Texts { id: texts }

    Column {
        id: mainColumn
        anchors.centerIn: parent
        spacing: 26 * screen.u

        Text {
            anchors.horizontalCenter: parent.horizontalCenter
            width: (screen.portrait ? 1000 : 1500) * screen.u
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: qsTr("Bill for %1: %2").arg(payment.numberDisplay).arg(payment.amountText)
            font.pixelSize: 48 * screen.u * theme.textScale
            color: theme.text
        }
        Prompt {
            objectName: "cash.message"
            anchors.horizontalCenter: parent.horizontalCenter
            width: (screen.portrait ? 1000 : 1500) * screen.u
            u: screen.u
            font.pixelSize: 44 * screen.u * theme.textScale
            error: vm.messageKey === "cash.note_rejected" || vm.messageKey === "bill.cannot_cancel_with_money"
        }
        Grid {
            anchors.horizontalCenter: parent.horizontalCenter
            columns: screen.portrait ? 1 : 2
            spacing: 40 * screen.u
            Rectangle {
                width: 640 * screen.u; height: Math.max(240 * screen.u, children[0].height + 24 * screen.u)  // its content, centred
                radius: 20 * screen.u
                color: theme.surface
                Column {
                    anchors.centerIn: parent
                    spacing: 8 * screen.u
                    Text {
                        anchors.horizontalCenter: parent.horizontalCenter
                        text: qsTr("Inserted")
                        font.pixelSize: 38 * screen.u * theme.textScale
                        color: theme.muted
                    }
                    Text {
                        objectName: "cash.total"
                        width: parent.parent.width - 32 * screen.u  // the box: smaller rather than out of it
                        horizontalAlignment: Text.AlignHCenter
                        fontSizeMode: Text.HorizontalFit
                        minimumPixelSize: 20
                        anchors.horizontalCenter: parent.horizontalCenter
                        text: payment.paidText
                        font.pixelSize: 100 * screen.u * theme.textScale
                        font.bold: true
                        color: theme.success
                    }
                }
            }
            Rectangle {
                width: 640 * screen.u; height: Math.max(240 * screen.u, children[0].height + 24 * screen.u)  // its content, centred
                radius: 20 * screen.u
                color: theme.surface
                Column {
                    anchors.centerIn: parent
                    spacing: 8 * screen.u
                    Text {
                        anchors.horizontalCenter: parent.horizontalCenter
                        text: qsTr("Still to pay")
                        font.pixelSize: 38 * screen.u * theme.textScale
                        color: theme.muted
                    }
                    Text {
                        objectName: "cash.owed"
                        width: parent.parent.width - 32 * screen.u  // the box: smaller rather than out of it
                        horizontalAlignment: Text.AlignHCenter
                        fontSizeMode: Text.HorizontalFit
                        minimumPixelSize: 20
                        anchors.horizontalCenter: parent.horizontalCenter
                        text: payment.stillOwedText
                        font.pixelSize: 100 * screen.u * theme.textScale
                        font.bold: true
                        color: theme.text
                    }
                }
            }
        }
        Text {
            objectName: "cash.change_note"
            anchors.horizontalCenter: parent.horizontalCenter
            width: (screen.portrait ? 1000 : 1500) * screen.u
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: payment.overFen > 0
                  ? qsTr("%1 above the bill will be added to your balance.").arg(payment.overText)
                  : qsTr("No change is given: anything above the amount due goes to your balance.")
            font.pixelSize: 36 * screen.u * theme.textScale
            color: payment.overFen > 0 ? theme.success : theme.muted
        }
        Text {
            objectName: "cash.suspended"
            visible: payment.suspended
            anchors.horizontalCenter: parent.horizontalCenter
            width: Math.min(1100 * screen.u, screen.width - 96 * screen.u)
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: qsTr("This line is suspended: it is turned back on only once the whole bill is paid. Less than that is credited, and the line stays suspended.")
            font.pixelSize: 34 * screen.u * theme.textScale
            color: theme.warning
        }
        // Back and Cancel go grey once a note is in: say why, and what becomes of the money.
        Text {
            objectName: "cash.locked"
            visible: payment.paidFen > 0
            anchors.horizontalCenter: parent.horizontalCenter
            width: Math.min(1100 * screen.u, screen.width - 96 * screen.u)
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: qsTr("Back and Cancel are off: notes cannot be given back. Press Pay now to pay %1 towards the bill; if you leave, it is paid in for you.").arg(payment.paidText)
            font.pixelSize: 34 * screen.u * theme.textScale
            color: theme.warning
        }
        KioskButton {
            objectName: "cash.finish"
            anchors.horizontalCenter: parent.horizontalCenter
            width: 880 * screen.u; height: 130 * screen.u
            u: screen.u
            enabled: payment.canFinishCash
            label: payment.busy ? qsTr("Please wait…") : qsTr("Pay now with %1").arg(payment.paidText)
            onClicked: payment.finishCash()
        }
    }

    // Developer aid, shown only with a simulated acceptor: put notes into it.
    Grid {
        visible: payment.simulator
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
                width: 180 * screen.u; height: 90 * screen.u
                u: screen.u * 0.8
                secondary: true
                label: "¥" + (modelData / 100)
                onClicked: payment.insertNote(modelData)
            }
        }
    }
}
