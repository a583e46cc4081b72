import QtQuick
import ".."

// The number to top up by card, or whose bill to pay.
Item {
    id: screen
    objectName: "screen.payment.number"
    readonly property real u: Math.min(Window.width / 1920, Window.height / 1080)
    Texts { id: texts }

    NumberEntry {
        anchors.centerIn: parent
        u: screen.u
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
