import QtQuick
import ".."

// The number to top up by card, or whose bill to pay.
Item {
    id: screen
    objectName: "screen.payment.number"
    // Portrait (1080×1920): the same items stacked, on a unit laid out for 1080 wide.
    readonly property bool portrait: Window.height > Window.width
    readonly property real u: portrait ? Math.min(Window.width / 1080, Window.height / 1920)
                                       : Math.min(Window.width / 1920, Window.height / 1080)
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
