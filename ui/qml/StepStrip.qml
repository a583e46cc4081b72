import QtQuick

// Under the header in a multi-step journey: the service, step n of m with the steps' names,
// and what the customer has entered so far (the number, the amount) — so a customer who looks
// away knows where they are. Hidden on every other screen.
Rectangle {
    id: strip
    objectName: "step.strip"
    property real u: 1
    Texts { id: texts }

    // The journey the current screen belongs to: its service and its steps' screens.
    readonly property var journey: {
        void vm.language
        var s = vm.screen
        if (s.indexOf("topup.") === 0)
            return { service: "topup.cash", screens: [["topup.number"], ["topup.cash"], ["topup.result"]],
                     names: [qsTr("Number"), qsTr("Insert cash"), qsTr("Done")] }
        if (s.indexOf("payment.") === 0) {
            var svc = payment.service
            if (svc === "topup.card")
                return { service: svc, screens: [["payment.number"], ["payment.amount"], ["payment.card"], ["payment.result"]],
                         names: [qsTr("Number"), qsTr("Amount"), qsTr("Pay by card"), qsTr("Done")] }
            return { service: svc,
                     screens: [["payment.number"], ["payment.bill"], [svc === "bill.card" ? "payment.card" : "payment.cash"], ["payment.result"]],
                     names: [qsTr("Number"), qsTr("Bill"), svc === "bill.card" ? qsTr("Pay by card") : qsTr("Insert cash"), qsTr("Done")] }
        }
        if (s.indexOf("sim.") === 0) {
            if (sim.mode === "replacement")
                return { service: "sim.replacement",
                         screens: [["sim.idcard", "sim.check"], ["sim.replace"], ["sim.pay"], ["sim.progress"], ["sim.result"]],
                         names: [qsTr("ID card"), qsTr("Confirm"), qsTr("Pay"), qsTr("SIM card"), qsTr("Done")] }
            return { service: "sim.sale",
                     screens: [["sim.idcard", "sim.check"], ["sim.numbers"], ["sim.agreement"], ["sim.pay"], ["sim.progress"], ["sim.result"]],
                     names: [qsTr("ID card"), qsTr("Number"), qsTr("Agreement"), qsTr("Pay"), qsTr("SIM card"), qsTr("Done")] }
        }
        if (s.indexOf("change.") === 0) {
            var plan = s === "change.plans" || (change.target && change.target.kind === "change.plan")
            return { service: plan ? "change.plan" : "change.service",
                     screens: [[plan ? "change.plans" : "change.services"], ["change.confirm"], ["change.result"]],
                     names: [plan ? qsTr("Choose a plan") : qsTr("Choose a service"), qsTr("Confirm with the code"), qsTr("Done")] }
        }
        return null
    }
    readonly property int step: {
        if (journey === null)
            return -1
        for (var i = 0; i < journey.screens.length; ++i)
            if (journey.screens[i].indexOf(vm.screen) >= 0)
                return i
        return -1
    }
    // What has been entered so far, as the customer typed it.
    readonly property string entered: {
        if (journey === null || step <= 0)
            return ""
        if (vm.screen.indexOf("topup.") === 0)
            return topup.numberDisplay
        if (vm.screen.indexOf("payment.") === 0)
            return payment.numberDisplay + (payment.service === "topup.card" && step >= 2 ? " · " + payment.amountText : "")
        return ""
    }

    visible: step >= 0
    height: visible ? row.height + 20 * u : 0
    color: theme.surface

    Row {
        id: row
        anchors { left: parent.left; leftMargin: 48 * strip.u; verticalCenter: parent.verticalCenter }
        width: parent.width - 96 * strip.u
        spacing: 24 * strip.u
        Text {
            id: where
            objectName: "step.where"
            width: Math.min(implicitWidth, row.width * 0.6)
            anchors.verticalCenter: parent.verticalCenter
            wrapMode: Text.WordWrap
            text: strip.journey === null ? ""
                  : qsTr("%1 · step %2 of %3: %4").arg(texts.serviceLabel(strip.journey.service))
                    .arg(strip.step + 1).arg(strip.journey.names.length).arg(strip.journey.names[strip.step] || "")
            font.pixelSize: 30 * strip.u * theme.textScale
            font.bold: true
            color: theme.primary
        }
        Text {
            objectName: "step.entered"
            visible: strip.entered !== ""
            width: row.width - where.width - row.spacing
            anchors.verticalCenter: parent.verticalCenter
            horizontalAlignment: Text.AlignRight
            wrapMode: Text.WordWrap
            text: strip.entered
            font.pixelSize: 30 * strip.u * theme.textScale
            color: theme.text
        }
    }
    Rectangle {  // a line between the strip and the screen
        anchors { left: parent.left; right: parent.right; bottom: parent.bottom }
        height: 2 * strip.u
        color: theme.border
    }
}
