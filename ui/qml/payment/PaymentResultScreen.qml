import QtQuick
import ".."

// Result of a card top-up or a bill payment: paid (✓) or in doubt (!), the amount, the card
// (masked by the terminal) and approval code, what went to the balance, and the reference.
ScreenPage {
    id: screen
    designWidth: portrait ? 1080 : 1920
    objectName: "screen.payment.result"
    // Portrait (1080×1920): the same items stacked, on a unit laid out for 1080 wide.
    readonly property bool doubt: payment.resultKind === "in_doubt"
    Texts { id: texts }

    Column {
        anchors.centerIn: parent
        spacing: 26 * screen.u

        Text {
            objectName: "result.icon"
            anchors.horizontalCenter: parent.horizontalCenter
            text: screen.doubt ? "!" : "✓"
            font.pixelSize: 140 * screen.u * theme.textScale
            font.bold: true
            color: screen.doubt ? theme.warning : theme.success
        }
        Text {
            objectName: "result.message"
            anchors.horizontalCenter: parent.horizontalCenter
            width: (screen.portrait ? 1000 : 1600) * screen.u
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: texts.message(vm.messageKey)
            font.pixelSize: 50 * screen.u * theme.textScale
            font.bold: true
            color: theme.text
        }
        Text {
            objectName: "result.amount"
            anchors.horizontalCenter: parent.horizontalCenter
            width: (screen.portrait ? 1000 : 1600) * screen.u
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WrapAtWordBoundaryOrAnywhere
            text: screen.doubt ? qsTr("%1 for %2: not confirmed yet").arg(payment.resultAmountText).arg(payment.numberDisplay)
                : payment.isBill ? qsTr("%1 paid for %2").arg(payment.resultAmountText).arg(payment.numberDisplay)
                : qsTr("%1 topped up to %2").arg(payment.resultAmountText).arg(payment.numberDisplay)
            font.pixelSize: 60 * screen.u * theme.textScale
            color: theme.text
        }
        Text {
            objectName: "result.card"
            anchors.horizontalCenter: parent.horizontalCenter
            width: (screen.portrait ? 1000 : 1600) * screen.u
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WrapAtWordBoundaryOrAnywhere
            visible: payment.maskedPan !== ""
            text: qsTr("Card %1 · approval code %2").arg(payment.maskedPan).arg(payment.approvalCode)
            font.pixelSize: 36 * screen.u * theme.textScale
            color: theme.muted
        }
        // In doubt: what happens next, and who to ask (the answer may still come).
        Text {
            objectName: "result.next"
            anchors.horizontalCenter: parent.horizontalCenter
            width: (screen.portrait ? 1000 : 1600) * screen.u
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            visible: screen.doubt
            text: qsTr("Do not pay again. The kiosk asks the bank again by itself: if your card was charged, the money goes to %1; if it was not, nothing is taken. If it has not arrived by tomorrow, call 10086 or go to a service hall with the reference below.").arg(payment.numberDisplay)
            font.pixelSize: 38 * screen.u * theme.textScale
            color: theme.text
        }
        Text {
            objectName: "result.over"
            anchors.horizontalCenter: parent.horizontalCenter
            width: (screen.portrait ? 1000 : 1600) * screen.u
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WrapAtWordBoundaryOrAnywhere
            visible: payment.resultOver
            text: qsTr("%1 above the bill was added to your balance.").arg(payment.resultOverText)
            font.pixelSize: 40 * screen.u * theme.textScale
            color: theme.success
        }
        Text {
            objectName: "result.short"
            anchors.horizontalCenter: parent.horizontalCenter
            width: (screen.portrait ? 1000 : 1600) * screen.u
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WrapAtWordBoundaryOrAnywhere
            visible: payment.resultShort
            text: qsTr("%1 of the bill is still due.").arg(payment.resultShortText)
            font.pixelSize: 40 * screen.u * theme.textScale
            color: theme.warning
        }
        Text {
            objectName: "result.status"
            anchors.horizontalCenter: parent.horizontalCenter
            width: (screen.portrait ? 1000 : 1600) * screen.u
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WrapAtWordBoundaryOrAnywhere
            visible: payment.resultKind === "paid"
            text: payment.creditedOnline ? qsTr("Received by the operator")
                                         : qsTr("Accepted — the operator will receive it shortly")
            font.pixelSize: 38 * screen.u * theme.textScale
            color: payment.creditedOnline ? theme.success : theme.warning
        }
        Text {
            objectName: "result.reference"
            anchors.horizontalCenter: parent.horizontalCenter
            width: (screen.portrait ? 1000 : 1600) * screen.u
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WrapAtWordBoundaryOrAnywhere
            text: qsTr("Reference: %1").arg(payment.txnRef)
            font.pixelSize: 30 * screen.u * theme.textScale
            color: theme.muted
        }
        TakeYourThings {
            anchors.horizontalCenter: parent.horizontalCenter
            width: (screen.portrait ? 1000 : 1600) * screen.u
            u: screen.u
            items: (payment.method === "card" || payment.maskedPan !== "" ? ["bankcard"] : [])
                   .concat(payment.receiptPrinted ? ["receipt"] : [])
        }
    }
}
