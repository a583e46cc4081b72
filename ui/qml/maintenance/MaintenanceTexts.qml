import QtQuick

// The maintenance screens' messages by core message key; "" for a key this feature does not know.
// Also the names of devices, health levels, paper states and self-test codes for the technician.
QtObject {
    function message(key) {
        switch (key) {
        case "maintenance.enter_pin": return qsTr("Enter your maintenance PIN")
        case "maintenance.wrong_pin": return qsTr("Wrong PIN. Please try again.")
        case "maintenance.pin_too_short": return qsTr("This PIN is too short: maintenance PINs now have 6 to 12 digits. Ask for a new PIN.")
        case "maintenance.locked": return qsTr("Too many wrong PINs: maintenance is locked for now")
        case "maintenance.card_first": return qsTr("Present your badge or do the touch sequence first")
        case "maintenance.customer_money": return qsTr("A customer's payment is in progress. Try again later.")
        case "maintenance.ended": return qsTr("The maintenance session has ended")
        case "maintenance.error": return qsTr("Maintenance could not do that")
        case "maintenance.in_service": return qsTr("Take the kiosk out of service first")
        case "maintenance.choose": return qsTr("Choose what to check or do")
        case "maintenance.devices": return qsTr("Tap Test to check a device")
        case "maintenance.place_card": return qsTr("Place a card on the ID card reader")
        case "maintenance.test_passed": return qsTr("Self-test passed")
        case "maintenance.test_failed": return qsTr("Self-test failed: see the device's result")
        case "maintenance.cash": return qsTr("Check the counts, then collect the cash")
        case "maintenance.collect_confirm": return qsTr("Empty the cash box now? Its counts go to zero.")
        case "maintenance.collected": return qsTr("Cash collected. Take the slip with the cash.")
        case "maintenance.collected_no_slip": return qsTr("Cash collected, but the slip did not print. Tap Reprint slip.")
        case "maintenance.slip_printed": return qsTr("The slip was printed again")
        case "maintenance.slip_failed": return qsTr("The slip could not be printed")
        case "maintenance.paper": return qsTr("Fit a new paper roll, then tap Paper refilled")
        case "maintenance.paper_refilled": return qsTr("Paper refill recorded")
        case "maintenance.service": return qsTr("Switch customer service off or on")
        case "maintenance.now_out_of_service": return qsTr("The kiosk is now out of service")
        case "maintenance.now_in_service": return qsTr("The kiosk is back in service")
        case "maintenance.queue": return qsTr("Items waiting for central, and items it refused")
        case "maintenance.sync_started": return qsTr("Sending to central now")
        case "maintenance.retried": return qsTr("The item will be sent again")
        case "maintenance.discard_reason": return qsTr("Choose why this item is given up")
        case "maintenance.discarded": return qsTr("Item discarded; your reason is recorded")
        case "maintenance.not_dead": return qsTr("That item is no longer a dead letter")
        case "maintenance.logs": return qsTr("The most recent log lines, newest first")
        case "maintenance.about": return qsTr("Software version and configuration")
        default: return ""
        }
    }

    function deviceName(name) {
        void vm.language
        switch (name) {
        case "bill_acceptor": return qsTr("Bill acceptor")
        case "printer": return qsTr("Receipt printer")
        case "id_card_reader": return qsTr("ID card reader")
        case "card_dispenser": return qsTr("SIM card dispenser")
        case "sim_reader": return qsTr("SIM card writer")
        case "card_terminal": return qsTr("Bank card terminal")
        default: return name
        }
    }

    // A device's state in a sentence a technician acts on (the driver's code, prefix or not:
    // "paper_near_end", "printer.cover_open"); an unknown code is shown as a code, labelled.
    function deviceStatus(code) {
        void vm.language
        switch (code.split(".").pop()) {
        case "ok": return qsTr("Working")
        case "starting":
        case "power_up": return qsTr("Starting up")
        case "not_started": return qsTr("Not started yet")
        case "unavailable":
        case "no_answer": return qsTr("Not answering: check its cable and power")
        case "offline":
        case "unreachable": return qsTr("Cannot be reached: check its network cable")
        case "error": return qsTr("Reports a fault: run its self-test")
        case "paper_near_end": return qsTr("Paper is running low: fit a new roll soon")
        case "paper_out": return qsTr("Out of paper: fit a new roll")
        case "paper_unknown": return qsTr("Cannot tell how much paper is left")
        case "cover_open": return qsTr("The cover is open: close it")
        case "jam": return qsTr("A note is stuck: clear the note path")
        case "cash_box_full": return qsTr("The cash box is full: collect the cash")
        case "cash_box_near_full": return qsTr("The cash box is nearly full: collect the cash soon")
        case "stock_low": return qsTr("Few SIM cards left: refill the dispenser")
        case "empty": return qsTr("No SIM cards left: refill the dispenser")
        case "card_at_exit": return qsTr("A card is waiting in the exit slot")
        case "card_in_reader": return qsTr("A card is still in the reader")
        case "reject_bin_full": return qsTr("The reject bin is full: empty it")
        case "no_sam": return qsTr("No security module (SAM) found")
        case "protocol_error":
        case "garbled": return qsTr("Its answers make no sense: check the cable, then restart it")
        case "denomination_mismatch": return qsTr("Its note settings do not match the configuration")
        case "closed": return qsTr("Closed")
        case "recently_restarted": return qsTr("Restarted a moment ago")
        case "recent_errors": return qsTr("Several errors recently: see the logs")
        case "disk_low": return qsTr("The disk is nearly full")
        case "disk_full": return qsTr("The disk is full: nothing can be recorded")
        case "disk_unknown": return qsTr("Cannot tell how full the disk is")
        default: return qsTr("Code: %1").arg(code)
        }
    }

    // A log line as a person reads it: local time, level, what happened, where. JSON lines
    // (kiosk/logging_setup.py) are taken apart; anything else is shown as it is.
    function logLine(line) {
        void vm.language
        var text = line.replace(/^<\d>/, "")
        var entry
        try {
            entry = JSON.parse(text)
        } catch (e) {
            return text
        }
        if (entry === null || typeof entry !== "object")
            return text
        var when = entry.ts ? Qt.formatDateTime(new Date(entry.ts), "yyyy-MM-dd HH:mm:ss")
                            : qsTr("(no time)")
        var what = entry.msg !== undefined ? entry.msg : (entry.message !== undefined ? entry.message : "")
        var level = entry.level === "ERROR" || entry.level === "CRITICAL" ? qsTr("Error")
                  : entry.level === "WARNING" ? qsTr("Warning") : qsTr("Info")
        return when + "  " + level + "  " + what
               + (entry.logger ? "  (" + entry.logger + (entry.where ? ", " + entry.where : "") + ")" : "")
    }

    // A refusal from central as a sentence: "amount_fen: Field required" → what is missing.
    function refusal(error) {
        void vm.language
        var missing = /^([A-Za-z_.]+): Field required$/.exec(error)
        if (missing)
            return qsTr("central refused it: %1 is missing").arg(missing[1])
        var unknown = /^([A-Za-z_.]+): unknown$/.exec(error)
        if (unknown)
            return qsTr("central refused it: it does not know this %1").arg(unknown[1])
        return qsTr("central refused it: %1").arg(error)
    }

    function levelName(level) {
        void vm.language
        switch (level) {
        case "ok": return qsTr("OK")
        case "warning": return qsTr("Warning")
        case "error": return qsTr("Fault")
        default: return qsTr("Unknown")
        }
    }

    function paperName(state) {
        void vm.language
        switch (state) {
        case "ok": return qsTr("Paper OK")
        case "near_end": return qsTr("Paper near its end")
        case "out": return qsTr("Out of paper")
        case "unknown": return qsTr("Paper state unknown")
        default: return ""
        }
    }

    function testResult(test) {
        void vm.language
        switch (test.state) {
        case "running": return qsTr("Testing…")
        case "passed": return qsTr("Passed")
        case "failed": return test.code === "no_card" ? qsTr("Failed: no card was placed")
                            : test.code === "not_installed" ? qsTr("Failed: not installed")
                            : qsTr("Failed: %1").arg(test.code)
        default: return ""
        }
    }

    function discardReason(code) {
        void vm.language
        switch (code) {
        case "settled": return qsTr("Settled at the counter")
        case "duplicate": return qsTr("Duplicate of another item")
        case "test": return qsTr("Test data")
        case "refused": return qsTr("Refused for good: escalate")
        default: return code
        }
    }
}
