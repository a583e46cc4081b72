import QtQuick
import ".."
import "../payment"

// Number entry on an on-screen keypad (the NumberEntry shared with the card payments); the
// number is grouped as 138 0013 8000.
ScreenPage {
    id: screen
    designWidth: portrait ? 1080 : 1920
    objectName: "screen.topup.number"
    // Portrait (1080×1920): the same items stacked, on a unit laid out for 1080 wide.
    Texts { id: texts }

    NumberEntry {
        anchors.centerIn: parent
        u: screen.u
        title: qsTr("Top up in cash: whose mobile number?")
        prompt: texts.message(vm.messageKey)
        error: vm.messageKey === "topup.invalid_number"
        numberDisplay: topup.numberDisplay
        numberValid: topup.numberValid
        busy: topup.busy
        onDigit: function(d) { topup.pressDigit(d) }
        onClear: topup.clearDigits()
        onBackspace: topup.backspace()
        onNext: topup.submitNumber()
    }
}
