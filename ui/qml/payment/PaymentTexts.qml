import QtQuick

// The payment screens' messages by core message key; "" for a key this feature does not know.
// Keys: payment.* (card top-up and the card terminal's steps), bill.* (kiosk/flows/
// bill_payment.py and these screens), cash.* (kiosk/flows/cash_intake.py, any cash intake).
QtObject {
    function message(key) {
        switch (key) {
        case "payment.enter_number": return qsTr("Enter the 11-digit mobile number to top up")
        case "payment.choose_amount": return qsTr("Choose an amount, or type one on the keypad")
        case "payment.amount_out_of_range": return qsTr("That amount is outside the limits shown. Please choose another.")
        case "payment.card_follow_terminal": return qsTr("Follow the instructions on the card terminal")
        case "payment.card_insert": return qsTr("Insert, tap or swipe your bank card on the card terminal")
        case "payment.card_pin": return qsTr("Enter your PIN on the card terminal")
        case "payment.card_authorising": return qsTr("Waiting for your bank's approval…")
        case "payment.cancelling": return qsTr("Stopping the payment on the card terminal…")
        case "payment.card_approved": return qsTr("Payment approved. Please take your card and your receipt.")
        case "payment.card_approved_no_receipt": return qsTr("Payment approved. No receipt could be printed; keep the reference below.")
        case "payment.card_declined": return qsTr("Your card was declined. No money was taken.")
        case "payment.card_cancelled": return qsTr("The payment was cancelled. No money was taken.")
        case "payment.card_failed": return qsTr("The card payment did not go through. No money was taken.")
        case "payment.card_in_doubt": return qsTr("The bank's answer has not arrived. Do not pay again: if money was taken, it will be credited.")
        case "bill.enter_number": return qsTr("Enter the 11-digit mobile number whose bill you want to pay")
        case "bill.invalid_number": return qsTr("That is not a valid mobile number. Please check it.")
        case "bill.unknown_number": return qsTr("This number is not with our network. Please check it.")
        case "bill.check_and_pay": return qsTr("Check the bill, then press Pay")
        case "bill.nothing_due": return qsTr("Nothing is due on this number")
        case "bill.enter_amount": return qsTr("The bill cannot be looked up right now: choose how much to pay")
        case "bill.amount_out_of_range": return qsTr("That amount is outside the limits. Please choose another.")
        case "bill.over_offline_limit": return qsTr("While the network is down, please pay a smaller amount")
        case "bill.cash_unavailable": return qsTr("Cash cannot be accepted right now")
        case "bill.card_unavailable": return qsTr("Bank cards cannot be accepted right now")
        case "bill.insert": return qsTr("Insert banknotes one at a time")
        case "bill.no_money": return qsTr("Please insert at least one note first")
        case "bill.cannot_cancel_with_money": return qsTr("Money has been inserted: press Pay now to pay with it")
        case "bill.finishing": return qsTr("Paying your bill and printing your receipt…")
        case "bill.paid": return qsTr("Payment complete. Please take your receipt.")
        case "bill.paid_no_receipt": return qsTr("Payment complete. No receipt could be printed; keep the reference below.")
        case "cash.note_checking": return qsTr("Checking the note…")
        case "cash.note_accepted": return qsTr("Note accepted. Insert the next one, if any.")
        case "cash.note_returned": return qsTr("The note was returned. Please take it.")
        case "cash.note_rejected": return qsTr("The note could not be accepted. Please try another.")
        case "cash.paid": return qsTr("The full amount is in. Thank you.")
        default: return ""
        }
    }
}
