import QtQuick
import ".."

// How much: a preset or a typed amount, then pay (by card for a top-up; for a bill whose
// amount central could not tell, by the bill's method).
ScreenPage {
    id: screen
    designWidth: portrait ? 1080 : 1920
    objectName: "screen.payment.amount"
    // Portrait (1080×1920): the same items stacked, on a unit laid out for 1080 wide.
    Texts { id: texts }

    Column {
        anchors.centerIn: parent
        spacing: 16 * screen.u

        Text {
            objectName: "amount.for"
            anchors.horizontalCenter: parent.horizontalCenter
            width: Math.min(implicitWidth, screen.width - 96 * screen.u)
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: qsTr("Top up by card for %1").arg(payment.numberDisplay)
            font.pixelSize: 40 * screen.u * theme.textScale
            font.bold: true
            color: theme.primary
        }
        Prompt {
            objectName: "amount.prompt"
            anchors.horizontalCenter: parent.horizontalCenter
            width: (screen.portrait ? 1000 : 1700) * screen.u
            u: screen.u
            error: vm.messageKey === "payment.amount_out_of_range"
                   || vm.messageKey === "topup.amount_out_of_range"
                   || vm.messageKey === "bill.amount_out_of_range"
                   || vm.messageKey === "bill.over_offline_limit"
        }

        AmountChoice {
            anchors.horizontalCenter: parent.horizontalCenter
            u: screen.u
            presets: payment.presets
            presetFen: payment.presetFen
            customText: payment.customText
            rangeText: qsTr("%1 to %2").arg(payment.minText).arg(payment.maxText)
            onPreset: function(fen) { payment.choosePreset(fen) }
            onDigit: function(d) { payment.pressAmountDigit(d) }
            onClear: payment.clearAmount()
            onBackspace: payment.amountBackspace()

            KioskButton {
                objectName: "amount.pay"
                width: 880 * screen.u; height: 120 * screen.u
                u: screen.u
                enabled: payment.amountValid && !payment.busy
                label: !payment.amountValid ? qsTr("Choose an amount")
                     : payment.method === "cash" ? qsTr("Pay %1 in cash").arg(payment.amountText)
                     : qsTr("Pay %1 by card").arg(payment.amountText)
                onClicked: payment.submitAmount()
            }
        }
    }
}
