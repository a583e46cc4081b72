import QtQuick
import ".."

// The number to top up by card, or whose bill to pay.
ScreenPage {
    id: screen
    designWidth: portrait ? 1080 : 1920
    objectName: "screen.payment.number"
    // Portrait (1080×1920): the same items stacked, on a unit laid out for 1080 wide.
    Texts { id: texts }

    NumberEntry {
        anchors.centerIn: parent
        u: screen.u
        title: payment.isBill ? (payment.method === "card" ? qsTr("Pay a bill by card: whose mobile number?")
                                                           : qsTr("Pay a bill in cash: whose mobile number?"))
                              : qsTr("Top up by card: whose mobile number?")
        prompt: texts.message(vm.messageKey)
        error: vm.messageKey === "topup.invalid_number" || vm.messageKey === "bill.invalid_number"
               || vm.messageKey === "bill.unknown_number"
        numberDisplay: payment.numberDisplay
        numberValid: payment.numberValid
        busy: payment.busy
        onDigit: function(d) { payment.pressDigit(d) }
        onClear: payment.clearDigits()
        onBackspace: payment.backspace()
        onNext: payment.submitNumber()
    }
}
