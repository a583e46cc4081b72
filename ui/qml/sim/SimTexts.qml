import QtQuick

// The SIM screens' messages by core message key (SIM sale, replacement, the ID card, the
// real-name check, the number pool, cash and card payment, the SIM writer and dispenser);
// "" for a key this feature does not know.
QtObject {
    function message(key) {
        switch (key) {
        // --- what to do next (this feature's own keys)
        case "sim.put_id_card": return qsTr("Put your ID card on the reader")
        case "sim.id_card_to_confirm": return qsTr("Put your ID card on the reader to confirm it is you")
        case "sim.check_passed": return qsTr("Your identity is confirmed. Tap the button to choose a number.")
        case "sim.choose_number": return qsTr("Tap a number to reserve it")
        case "sim.no_numbers": return qsTr("No numbers match. Try other filters.")
        case "sim.number_reserved": return qsTr("The number is reserved for you. Tap Next.")
        case "sim.reservation_expired":
        case "number.reservation_expired": return qsTr("The reservation ran out. Please choose a number again.")
        case "sim.read_agreement": return qsTr("Read the agreement to the end, then sign it")
        case "sim.sign_below": return qsTr("Sign in the box with your finger, then tap I agree")
        case "sim.choose_payment": return qsTr("Choose how to pay")
        case "sim.insert_cash": return qsTr("Insert banknotes one at a time")
        case "sim.cannot_cancel_with_money": return qsTr("Money has been inserted: pay the rest, or stop and take a voucher")
        case "sim.card_waiting": return qsTr("Insert, tap or swipe your bank card on the terminal")
        case "sim.card_pin": return qsTr("Enter your PIN on the card terminal")
        case "sim.card_authorising": return qsTr("Waiting for the bank…")
        case "sim.card_declined": return qsTr("The card payment did not go through. Try again or pay in cash.")
        case "sim.card_cancelled": return qsTr("The card payment was cancelled. Try again or pay in cash.")
        case "sim.card_in_doubt": return qsTr("The bank has not answered yet. Tap to ask the terminal again.")
        case "sim.issuing": return qsTr("Preparing your SIM card. Please wait.")
        case "sim.take_card": return qsTr("Done! Take your SIM card from the slot below.")
        case "sim.voucher_printed": return qsTr("Sorry, your SIM card could not be issued.")
        case "sim.refunded": return qsTr("Sorry, your SIM card could not be issued. Your payment was refunded.")
        case "sim.issue_failed": return qsTr("Sorry, the SIM card could not be issued.")
        case "sim.replace_confirm_fee": return qsTr("Check the number and the fee, then tap the button to pay")
        case "sim.replace_confirm": return qsTr("Check the number, then tap the button to get your new SIM card")
        case "sim.replaced": return qsTr("Done! Take your new SIM card from the slot below.")
        case "sim.replace_failed": return qsTr("Sorry, your SIM card could not be replaced. Nothing was charged.")
        // --- the flows' own refusals
        case "sim.not_paid": return qsTr("The amount due has not been paid in full yet")
        case "sim.fee_due": return qsTr("The replacement fee has not been paid yet")
        case "sim.no_fee": return qsTr("There is no fee to pay")
        case "sim.not_prepared": return qsTr("The new card's data is not ready. Please start again.")
        case "sim.cancelled": return qsTr("The SIM card replacement was cancelled")
        case "sim.cancelled_after_payment": return qsTr("You stopped before paying in full")
        case "sim.signature_invalid": return qsTr("The signature could not be kept. Clear it and sign again.")
        case "sim.signature_not_kept": return qsTr("Your signature cannot be kept at this kiosk now. Please go to a service hall.")
        case "auth.id_card_required": return qsTr("A SIM card can only be replaced after logging in with the ID card")
        // --- the ID card reader
        case "idcard.expired": return qsTr("This ID card has expired. Please use a valid one.")
        case "idcard.read_failed": return qsTr("The ID card could not be read. Take it off and put it back.")
        case "idcard.invalid_number": return qsTr("The ID card could not be read correctly. Take it off and put it back.")
        case "idcard.no_sam":
        case "idcard.unavailable": return qsTr("The ID card reader is not working. Please go to a service hall.")
        // --- the real-name check at central
        case "realname.bad_check_character": return qsTr("The ID number on this card is not valid.")
        case "realname.not_yet_valid": return qsTr("This ID card is not valid yet.")
        case "realname.expired": return qsTr("This ID card has expired. Please use a valid one.")
        case "realname.not_registered":
        case "realname.name_mismatch": return qsTr("This ID card could not be verified. Please go to a service hall.")
        case "realname.blocked": return qsTr("New lines cannot be opened for this ID here. Please go to a service hall.")
        case "realname.too_many_lines": return qsTr("You already have the most lines one person may hold.")
        case "realname.check_expired":
        case "realname.unknown_check": return qsTr("The identity check has run out. Please put your ID card on the reader again.")
        // --- the number pool
        case "number.taken":
        case "number.sold": return qsTr("That number has just been taken. Please choose another.")
        case "number.unknown":
        case "number.unknown_reservation": return qsTr("That number is no longer for sale. Please choose another.")
        case "number.bad_price_range": return qsTr("No price range like that. Choose another price filter.")
        // --- cash
        case "cash.note_checking": return qsTr("Checking the note…")
        case "cash.note_accepted": return qsTr("Note accepted. Insert the next one.")
        case "cash.note_returned": return qsTr("The note was returned. Please take it.")
        case "cash.note_rejected": return qsTr("The note could not be accepted. Please try another.")
        case "cash.paid": return qsTr("Paid in full. Preparing your SIM card…")
        // --- the SIM writer, central's card data, the dispenser
        case "sim.write_failed":
        case "sim.write_error": return qsTr("the SIM card could not be written")
        case "sim.verify_mismatch": return qsTr("the SIM card failed its check after writing")
        case "sim.no_reader":
        case "sim.error":
        case "sim.read_failed": return qsTr("the SIM card writer is not working")
        case "sim.no_card":
        case "sim.card_removed": return qsTr("no SIM card reached the writer")
        case "sim.not_blank":
        case "sim.unsupported_card":
        case "sim.blank_card":
        case "sim.adm_rejected":
        case "sim.adm_blocked":
        case "sim.pin_required":
        case "sim.pin_blocked": return qsTr("the blank SIM card could not be used")
        case "sim.invalid_data":
        case "sim.bad_data":
        case "sim.data_invalid":
        case "sim.bad_public_key": return qsTr("the card data from the network was not usable")
        case "sim.no_profiles": return qsTr("no SIM cards can be issued right now")
        case "dispenser.jam":
        case "dispenser.card_in_path": return qsTr("the card dispenser is jammed")
        case "dispenser.empty":
        case "dispenser.no_card": return qsTr("the kiosk has run out of SIM cards")
        case "dispenser.not_taken": return qsTr("the card was not taken and has been retained")
        case "dispenser.reject_bin_full":
        case "dispenser.fault":
        case "dispenser.unavailable":
        case "dispenser.no_answer": return qsTr("the card dispenser is out of order")
        case "error.central_unavailable": return qsTr("The network is not available. Please try again later.")
        case "error.central_refused": return qsTr("The request was refused. Please go to a service hall.")
        case "error.flow": return qsTr("That step is not possible now. Please start again.")
        default: return ""
        }
    }
}
