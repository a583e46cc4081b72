import QtQuick

// The top-up screens' messages by core message key; "" for a key this feature does not know.
QtObject {
    function message(key) {
        switch (key) {
        case "topup.enter": return qsTr("Enter the 11-digit mobile number to top up")
        case "topup.invalid_number": return qsTr("That is not a valid mobile number. Please check it.")
        case "topup.insert": return qsTr("Insert banknotes one at a time")
        case "topup.note_checking": return qsTr("Checking the note…")
        case "topup.note_accepted": return qsTr("Note accepted. Insert more, or press Confirm.")
        case "topup.note_returned": return qsTr("The note was returned. Please take it.")
        case "topup.note_over_limit": return qsTr("That note would go over the limit. Please take it back.")
        case "topup.note_rejected": return qsTr("The note could not be accepted. Please try another.")
        case "topup.amount_out_of_range": return qsTr("That amount is outside the limits shown. Please choose another.")
        case "topup.no_money": return qsTr("Please insert at least one note first")
        case "topup.cannot_cancel_with_money": return qsTr("Money has been inserted: press Confirm to top up")
        case "topup.cancelled": return qsTr("Cancelled")
        case "topup.printing": return qsTr("Topping up and printing your receipt…")
        case "topup.done": return qsTr("Top-up complete. Please take your receipt.")
        case "topup.done_no_receipt": return qsTr("Top-up complete. No receipt could be printed; keep the reference below.")
        default: return ""
        }
    }
}
