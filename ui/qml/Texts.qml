import QtQuick
import "topup"
import "payment"
import "auth"
import "account"
import "change"
import "sim"
import "maintenance"

// Customer-facing messages by the core's message keys, all through Qt's translation system.
// Each feature's own keys are in its folder (<Feature>Texts.qml); the shared ones are here.
QtObject {
    property list<QtObject> features: [
        TopupTexts {}, PaymentTexts {}, AuthTexts {}, AccountTexts {}, ChangeTexts {},
        SimTexts {}, MaintenanceTexts {}
    ]

    // Each function reads vm.language, so every binding that calls it is re-evaluated when the
    // language changes (a binding that only calls a function is not retranslated by Qt).
    function message(key) {
        void vm.language
        if (key === "")
            return ""
        var shared = sharedMessage(key)
        if (shared !== "")
            return shared
        for (var i = 0; i < features.length; ++i) {
            var text = features[i].message(key)
            if (text !== "")
                return text
        }
        return qsTr("Please wait")
    }

    // The keys every part of the core may raise: one wording everywhere.
    function sharedMessage(key) {
        switch (key) {
        case "error.journal_storage": return qsTr("This kiosk cannot record transactions right now.")
        case "error.out_of_service": return qsTr("This kiosk is out of service.")
        case "error.generic": return qsTr("Something went wrong. Please try again.")
        case "error.central_unavailable": return qsTr("The service centre cannot be reached right now. Please try again later.")
        case "error.central_refused": return qsTr("The service centre refused the request.")
        case "error.storage": return qsTr("This kiosk cannot record transactions right now.")
        case "error.flow": return qsTr("This step is not possible now. Please start again.")
        case "service.acceptor_down": return qsTr("Cash cannot be accepted right now")
        case "service.printer_down": return qsTr("Unavailable: the receipt printer is out of order")
        case "service.no_receipt": return qsTr("Note: no receipt can be printed right now")
        case "service.card_terminal_down": return qsTr("Bank cards cannot be accepted right now")
        case "service.id_reader_down": return qsTr("Unavailable: the ID card reader is out of order")
        case "service.sim_reader_down": return qsTr("Unavailable: the SIM card writer is out of order")
        case "service.dispenser_down": return qsTr("Unavailable: no SIM cards can be dispensed")
        case "service.offline": return qsTr("Unavailable while the network is down")
        case "service.no_payment_device": return qsTr("Unavailable: no way to pay right now")
        case "service.unknown": return qsTr("This service is not available")
        case "service.not_offered": return qsTr("This service is not offered here")
        case "service.not_installed": return qsTr("This kiosk has no device for this service")
        case "service.no_print": return qsTr("Note: nothing can be printed right now")
        case "acceptor.jam": return qsTr("A note is stuck in the acceptor. Your money is safe; please ask the staff for help.")
        case "acceptor.stacker_full": return qsTr("The cash box is full: no more notes can be taken. Your money so far is safe.")
        case "acceptor.stacker_open": return qsTr("The cash box is open: no notes can be taken right now.")
        case "acceptor.cheated": return qsTr("The note could not be accepted. Please ask the staff for help.")
        case "acceptor.failure":
        case "acceptor.no_answer":
        case "acceptor.unavailable": return qsTr("The note acceptor is not working. Your money so far is safe.")
        case "acceptor.pause": return qsTr("Please insert one note at a time")
        case "acceptor.power_up":
        case "acceptor.starting": return qsTr("The note acceptor is starting, please wait…")
        case "session.required":
        case "session.ended":
        case "session.expired":
        case "session.invalid":
        case "session.missing": return qsTr("Your session has ended. Please start again.")
        case "session.login_required": return qsTr("Please log in first")
        default: return ""
        }
    }

    // The kiosk's name in the customer's language: the configured one in Chinese; in English
    // the configured English name (kiosk.name_en), else what the kiosk is.
    function kioskName() {
        void vm.language
        if (vm.language !== "en")
            return vm.kioskName
        return vm.kioskNameEn !== "" ? vm.kioskNameEn : qsTr("Mobile services self-service kiosk")
    }

    // The menu's name and one-line description of each service (catalogue keys).
    function serviceLabel(key) {
        void vm.language
        switch (key) {
        case "topup.cash": return qsTr("Top up")
        case "topup.card": return qsTr("Top up by card")
        case "bill.cash": return qsTr("Pay bill")
        case "bill.card": return qsTr("Pay bill by card")
        case "account.query": return qsTr("Balance and bills")
        case "account.invoice": return qsTr("Print invoice")
        case "change.plan": return qsTr("Change plan")
        case "change.service": return qsTr("Services on/off")
        case "sim.sale": return qsTr("New SIM card")
        case "sim.replacement": return qsTr("Replace SIM card")
        default: return key
        }
    }

    function serviceHint(key) {
        void vm.language
        switch (key) {
        case "topup.cash": return qsTr("Pay cash to any mobile number")
        case "topup.card": return qsTr("Pay with a bank card")
        case "bill.cash": return qsTr("Pay this month's bill in cash")
        case "bill.card": return qsTr("Pay this month's bill by card")
        case "account.query": return qsTr("Balance, bills and call records")
        case "account.invoice": return qsTr("Print a VAT invoice")
        case "change.plan": return qsTr("See plans and switch")
        case "change.service": return qsTr("Data packs, roaming and more")
        case "sim.sale": return qsTr("Choose a number, get a SIM card")
        case "sim.replacement": return qsTr("Lost or broken SIM card")
        default: return ""
        }
    }
}
