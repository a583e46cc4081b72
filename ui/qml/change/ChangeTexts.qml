import QtQuick

// The change screens' messages by core message key; "" for a key this feature does not know.
// Keys of the change flow (kiosk/flows/change.py), of central's refusals on its way
// (plan.*, service.*, account.suspended, sms.*) and of these screens (change.choose_* …).
QtObject {
    function message(key) {
        switch (key) {
        case "change.choose_plan": return qsTr("Tap the plan you want to switch to")
        case "change.choose_service": return qsTr("Tap a service to switch it on or off")
        case "change.check": return qsTr("Check the change, then tap Send code")
        case "change.enter_code": return qsTr("Enter the 6-digit code we texted to your phone")
        case "change.code_resent": return qsTr("A new code was texted to you. Enter it below.")
        case "change.same_code": return qsTr("Please enter the same code as before and tap Confirm")
        case "change.answer_lost": return qsTr("No answer yet. Tap Confirm again: it is safe.")
        case "change.done": return qsTr("Done. Your change has been made.")
        case "change.cancelled": return qsTr("Cancelled. Nothing was changed.")
        case "auth.bad_code": return qsTr("The code has 6 digits")
        case "plan.unknown": return qsTr("This plan is no longer offered")
        case "plan.already_current": return qsTr("This is already your plan")
        case "service.already_on": return qsTr("That service is already on. The list is up to date now.")
        case "service.already_off": return qsTr("That service is already off. The list is up to date now.")
        case "account.suspended": return qsTr("Your line is suspended. Please pay your bill first.")
        case "sms.wrong_code": return qsTr("Wrong code. Please check the text message and try again.")
        case "sms.expired": return qsTr("The code has expired. Tap Resend code for a new one.")
        case "sms.used": return qsTr("This code can no longer be used. Tap Resend code for a new one.")
        case "sms.unknown_challenge": return qsTr("This code is not valid any more. Tap Resend code for a new one.")
        case "sms.too_soon": return qsTr("A code was sent less than a minute ago. Please wait a moment.")
        case "error.central_unavailable": return qsTr("The service centre cannot be reached. Please try again.")
        case "error.flow": return qsTr("That cannot be done right now")
        default: return ""
        }
    }

    // Whether a key reports a problem (shown in the error colour) rather than the next step.
    function isProblem(key) {
        return key !== "" && !key.startsWith("change.") || key === "change.same_code"
                || key === "change.answer_lost"
    }
}
