import QtQuick

// The account screens' messages by core message key ("" for a key this feature does not know),
// and the names it shows for months, kinds of record and call directions.
QtObject {
    function message(key) {
        switch (key) {
        case "account.loading": return qsTr("Getting your account details…")
        case "account.overview": return qsTr("Choose what to see or print")
        case "account.choose_month": return qsTr("Choose a month to see its bill")
        case "account.records_hint": return qsTr("Choose a month and a type. Turn pages with Previous and Next.")
        case "account.no_records": return qsTr("There are no records for this month and type")
        case "account.invoices_hint": return qsTr("Tap Print next to the invoice you want")
        case "account.no_invoices": return qsTr("There are no invoices to print")
        case "account.printing": return qsTr("Printing…")
        case "account.printed": return qsTr("Printed. Please take it from the slot below the screen.")
        case "account.printed_records": return qsTr("Printed. Please take it from the slot below the screen.")
        case "printer.paper_out": return qsTr("The printer is out of paper, so nothing was printed. Please ask the staff for help.")
        case "printer.paper_near_end": return qsTr("The printer is almost out of paper.")
        case "printer.cover_open": return qsTr("The printer cover is open, so nothing was printed. Please ask the staff for help.")
        case "printer.cutter_error":
        case "printer.error":
        case "printer.failed":
        case "printer.offline":
        case "printer.no_answer":
        case "printer.unavailable":
        case "printer.unknown": return qsTr("The printer is not working, so nothing was printed. Please ask the staff for help.")
        case "error.central_unavailable": return qsTr("The service centre cannot be reached. Please try again later.")
        case "bill.not_found": return qsTr("There is no bill for that month")
        case "invoice.not_found": return qsTr("That invoice could not be found")
        default: return ""
        }
    }

    // "2026-10" → 2026年10月 / 2026-10
    function monthLabel(month) {
        void vm.language
        if (month === "")
            return ""
        var parts = month.split("-")
        return qsTr("%1-%2", "year-month").arg(parts[0]).arg(parts[1])
    }

    // "2026-10" → 10月 / Oct (the month picker shows the year beneath)
    function monthName(month) {
        void vm.language
        switch (month.split("-")[1]) {
        case "01": return qsTr("Jan")
        case "02": return qsTr("Feb")
        case "03": return qsTr("Mar")
        case "04": return qsTr("Apr")
        case "05": return qsTr("May")
        case "06": return qsTr("Jun")
        case "07": return qsTr("Jul")
        case "08": return qsTr("Aug")
        case "09": return qsTr("Sep")
        case "10": return qsTr("Oct")
        case "11": return qsTr("Nov")
        case "12": return qsTr("Dec")
        default: return month
        }
    }

    function kindLabel(kind) {
        void vm.language
        switch (kind) {
        case "voice": return qsTr("Calls")
        case "sms": return qsTr("Texts")
        case "data": return qsTr("Data")
        default: return qsTr("All")
        }
    }

    function directionLabel(kind, direction) {
        void vm.language
        if (kind === "data")
            return qsTr("Internet")
        if (kind === "sms")
            return direction === "out" ? qsTr("Sent") : qsTr("Received")
        return direction === "out" ? qsTr("Outgoing") : qsTr("Incoming")
    }
}
