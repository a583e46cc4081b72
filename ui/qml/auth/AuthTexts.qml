import QtQuick

// The login screens' messages by core message key; "" for a key this feature does not know.
// Central's refusals (auth.*, sms.*, realname.*) and the ID card reader's (idcard.*) are here;
// session.* and service.* are the shared Texts.qml's.
QtObject {
    function message(key) {
        switch (key) {
        case "auth.choose": return qsTr("How would you like to log in?")
        case "auth.enter_number": return qsTr("Enter your 11-digit mobile number")
        case "auth.invalid_number": return qsTr("That is not a valid mobile number. Please check it.")
        case "auth.enter_password": return qsTr("Enter your 6-digit service password")
        case "auth.request_code": return qsTr("Tap the button and we will text a code to this number")
        case "auth.code_sent": return qsTr("A code is on its way. Enter the 6 digits from the text message.")
        case "auth.enter_code": return qsTr("Enter the 6-digit code from the text message")
        case "auth.place_card": return qsTr("Put your ID card flat on the reader, as shown")
        case "auth.checking_card": return qsTr("Card read. Checking it, please wait…")
        case "auth.bad_password": return qsTr("The service password has 6 digits")
        case "auth.wrong_password": return qsTr("Wrong service password. Please try again.")
        case "auth.locked": return qsTr("Too many wrong passwords: password login is locked for this number")
        case "auth.unknown_number": return qsTr("This number is not one of ours. Please check it.")
        case "auth.bad_code": return qsTr("The code has 6 digits")
        case "auth.code_not_requested": return qsTr("Please ask for a code first")
        case "auth.not_owner": return qsTr("This ID card is not registered to this number")
        case "auth.id_card_locked": return qsTr("Too many ID cards that are not the owner's: ID card login is locked for this number for 30 minutes")
        case "auth.id_card_required": return qsTr("This service needs your ID card: please log in with it")
        case "sms.too_soon": return qsTr("A code was sent less than a minute ago. Please wait, then try again.")
        case "sms.wrong_code": return qsTr("Wrong code. Please check the text message.")
        case "sms.expired": return qsTr("The code has expired. Please ask for a new one.")
        case "sms.used":
        case "sms.unknown_challenge": return qsTr("This code can no longer be used. Please ask for a new one.")
        case "idcard.read_failed": return qsTr("The card could not be read. Take it off and put it on again.")
        case "idcard.invalid_number": return qsTr("The card could not be read correctly. Please try again.")
        case "idcard.expired":
        case "realname.expired": return qsTr("This ID card has expired")
        case "realname.bad_check_character": return qsTr("This ID card's number is not valid")
        case "idcard.no_sam":
        case "idcard.unavailable": return qsTr("The ID card reader is not working. Please log in another way.")
        case "idcard.starting": return qsTr("The ID card reader is starting. Please wait a moment.")
        case "error.central_unavailable": return qsTr("The network is not answering. Please try again later.")
        case "error.central_refused": return qsTr("The request was not accepted. Please try again.")
        default: return ""
        }
    }

    // Keys that report a problem: the prompt shows them in the error colour.
    function isError(key) {
        switch (key) {
        case "": case "auth.choose": case "auth.enter_number": case "auth.enter_password":
        case "auth.request_code": case "auth.code_sent": case "auth.enter_code":
        case "auth.place_card": case "auth.checking_card": case "idcard.starting":
            return false
        default: return true
        }
    }

    // The login method's name, as the customer chose it.
    function methodName(method) {
        void vm.language
        switch (method) {
        case "password": return qsTr("Log in with your service password")
        case "sms": return qsTr("Log in with an SMS code")
        case "id_card": return qsTr("Log in with your ID card")
        default: return ""
        }
    }
}
