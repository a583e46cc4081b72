import QtQuick
import ".."

// Result: what was paid, whether central confirmed it, and whether the receipt printed.
ScreenPage {
    id: screen
    designWidth: portrait ? 1080 : 1920  // portrait: its own arrangement, at full size
    objectName: "screen.topup.result"
    Texts { id: texts }

    Column {
        anchors.centerIn: parent
        spacing: 30 * screen.u
        Text {
            anchors.horizontalCenter: parent.horizontalCenter
            text: "✓"
            font.pixelSize: 160 * screen.u * theme.textScale
            color: theme.success
        }
        Text {
            objectName: "result.message"
            anchors.horizontalCenter: parent.horizontalCenter
            width: Math.min(implicitWidth, screen.width - 96 * screen.u)
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            // Complete only once the operator has it; until then one message: on its way.
            text: topup.creditedOnline ? texts.message(vm.messageKey)
                                       : qsTr("Money received: the top-up reaches the line shortly.")
            font.pixelSize: 52 * screen.u * theme.textScale
            font.bold: true
            color: theme.text
        }
        Text {
            width: Math.min(implicitWidth, screen.width - 96 * screen.u)
            wrapMode: Text.WordWrap
            horizontalAlignment: Text.AlignHCenter
            objectName: "result.amount"
            anchors.horizontalCenter: parent.horizontalCenter
            text: qsTr("%1 to %2").arg(topup.creditedText).arg(topup.numberDisplay)
            font.pixelSize: 64 * screen.u * theme.textScale
            color: theme.text
        }
        Text {
            width: Math.min(implicitWidth, screen.width - 96 * screen.u)
            wrapMode: Text.WordWrap
            horizontalAlignment: Text.AlignHCenter
            anchors.horizontalCenter: parent.horizontalCenter
            objectName: "result.status"
            text: topup.creditedOnline ? qsTr("Credited to the account")
                                    : topup.receiptPrinted ? qsTr("Please take your receipt.")
                                    : qsTr("No receipt could be printed; keep the reference below.")
            font.pixelSize: 40 * screen.u * theme.textScale
            color: topup.creditedOnline ? theme.success : theme.warning
        }
        Text {
            anchors.horizontalCenter: parent.horizontalCenter
            text: qsTr("Reference: %1").arg(topup.txnRef)
            font.pixelSize: 30 * screen.u * theme.textScale
            color: theme.muted
        }
        TakeYourThings {
            anchors.horizontalCenter: parent.horizontalCenter
            width: Math.min(1500 * screen.u, screen.width - 96 * screen.u)
            u: screen.u
            items: topup.receiptPrinted ? ["receipt"] : []
        }
    }
}
