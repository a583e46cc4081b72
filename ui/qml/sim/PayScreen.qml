import QtQuick
import ".."

// Pay for the number (SIM sale) or the replacement fee: cash (live total, what is still owed)
// or, when the flow offers it, a bank card. With money in there is no Cancel: pay the rest, or
// stop and take a voucher.
ScreenPage {
    id: screen
    designWidth: portrait ? 1080 : 1920  // portrait: its own arrangement, at full size
    objectName: "screen.sim.pay"
    readonly property bool replacement: sim.mode === "replacement"

    Column {
        id: mainColumn
        anchors.centerIn: parent
        spacing: 26 * screen.u

        Text {
            width: Math.min(implicitWidth, screen.width - 96 * screen.u)
            wrapMode: Text.WordWrap
            horizontalAlignment: Text.AlignHCenter
            objectName: "sim.pay.title"
            anchors.horizontalCenter: parent.horizontalCenter
            text: screen.replacement
                  ? qsTr("New SIM card for %1 · fee %2").arg(sim.customerNumber).arg(sim.priceText)
                  : qsTr("Number %1 · price %2").arg(sim.reservedDisplay).arg(sim.priceText)
            font.pixelSize: 48 * screen.u * theme.textScale
            color: theme.text
        }
        Prompt {
            objectName: "sim.pay.message"
            anchors.horizontalCenter: parent.horizontalCenter
            width: Math.min(1400 * screen.u, screen.width - 96 * screen.u)
            u: screen.u
            font.pixelSize: 42 * screen.u * theme.textScale
            error: vm.messageKey === "cash.note_rejected" || vm.messageKey === "sim.card_declined"
                   || vm.messageKey === "sim.cannot_cancel_with_money" || vm.messageKey === "sim.not_paid"
                   || vm.messageKey.indexOf("service.") === 0
        }

        // How to pay, when a card is possible too.
        Row {
            visible: sim.method === "" && sim.cardOffered
            anchors.horizontalCenter: parent.horizontalCenter
            spacing: 60 * screen.u
            KioskButton {
                objectName: "sim.pay.cash"
                visible: sim.cashOffered
                width: 560 * screen.u; height: 220 * screen.u
                u: screen.u
                enabled: !vm.busy
                label: qsTr("Cash")
                sublabel: qsTr("Banknotes, no change given")
                onClicked: sim.payCash()
            }
            KioskButton {
                objectName: "sim.pay.card"
                width: 560 * screen.u; height: 220 * screen.u
                u: screen.u
                enabled: !vm.busy
                label: qsTr("Bank card")
                sublabel: qsTr("Follow the card terminal")
                onClicked: sim.payByCard()
            }
        }

        // Cash: the live total and what is still owed.
        Rectangle {
            id: cashBox
            visible: sim.method === "cash"
            anchors.horizontalCenter: parent.horizontalCenter
            width: 1100 * screen.u; height: Math.max(250 * screen.u, children[0].height + 24 * screen.u)  // its content, centred
            radius: 20 * screen.u
            color: theme.surface
            Row {
                anchors.centerIn: parent
                spacing: 60 * screen.u
                Column {
                    spacing: 8 * screen.u
                    Text {
                        anchors.horizontalCenter: parent.horizontalCenter
                        text: qsTr("Inserted")
                        font.pixelSize: 38 * screen.u * theme.textScale
                        color: theme.muted
                    }
                    Text {
                        objectName: "sim.pay.paid"
                        width: (cashBox.width - 108 * screen.u) / 2  // half the box: smaller rather than out of it
                        horizontalAlignment: Text.AlignHCenter
                        fontSizeMode: Text.HorizontalFit
                        minimumPixelSize: 20
                        anchors.horizontalCenter: parent.horizontalCenter
                        text: sim.paidText
                        font.pixelSize: 100 * screen.u * theme.textScale
                        font.bold: true
                        color: theme.success
                    }
                }
                Column {
                    spacing: 8 * screen.u
                    Text {
                        anchors.horizontalCenter: parent.horizontalCenter
                        text: qsTr("Still to pay")
                        font.pixelSize: 38 * screen.u * theme.textScale
                        color: theme.muted
                    }
                    Text {
                        objectName: "sim.pay.owed"
                        width: (cashBox.width - 108 * screen.u) / 2  // half the box: smaller rather than out of it
                        horizontalAlignment: Text.AlignHCenter
                        fontSizeMode: Text.HorizontalFit
                        minimumPixelSize: 20
                        anchors.horizontalCenter: parent.horizontalCenter
                        text: sim.owedText
                        font.pixelSize: 100 * screen.u * theme.textScale
                        font.bold: true
                        color: theme.text
                    }
                }
            }
        }
        Text {
            visible: sim.method === "cash"
            anchors.horizontalCenter: parent.horizontalCenter
            width: Math.min(1100 * screen.u, screen.width - 96 * screen.u)
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: screen.replacement
                  ? qsTr("%n note(s) accepted · no change is given; any extra is credited to your line", "", sim.noteCount)
                  : qsTr("%n note(s) accepted · no change is given; any extra is credit on the new line", "", sim.noteCount)
            font.pixelSize: 32 * screen.u * theme.textScale
            color: theme.muted
        }
        // Back and Cancel go grey once a note is in: say why, and what becomes of the money.
        Text {
            objectName: "sim.pay.locked"
            visible: sim.method === "cash" && sim.paidFen > 0
            anchors.horizontalCenter: parent.horizontalCenter
            width: Math.min(1100 * screen.u, screen.width - 96 * screen.u)
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: qsTr("Back and Cancel are off: notes cannot be given back. Pay the rest for your SIM card, or stop and take a voucher for %1 (a service hall refunds it); if you leave, the voucher is printed for you.").arg(sim.paidText)
            font.pixelSize: 34 * screen.u * theme.textScale
            color: theme.warning
        }
        KioskButton {
            objectName: "sim.pay.stop"
            visible: sim.canStop
            anchors.horizontalCenter: parent.horizontalCenter
            width: 900 * screen.u; height: 120 * screen.u
            u: screen.u; labelSize: 38
            secondary: true
            enabled: !vm.busy
            label: qsTr("Stop and print a voucher for %1").arg(sim.paidText)
            onClicked: sim.stopWithVoucher()
        }

        // Card: the terminal leads; an answer in doubt can be asked for again.
        Text {
            visible: sim.method === "card"
            anchors.horizontalCenter: parent.horizontalCenter
            text: qsTr("Amount on the card terminal: %1").arg(sim.priceText)
            font.pixelSize: 44 * screen.u * theme.textScale
            color: theme.text
        }
        KioskButton {
            objectName: "sim.pay.cardcheck"
            visible: sim.cardInDoubt
            anchors.horizontalCenter: parent.horizontalCenter
            width: 820 * screen.u; height: 120 * screen.u
            u: screen.u
            enabled: !vm.busy
            label: qsTr("Ask the terminal again")
            onClicked: sim.checkCard()
        }

        Text {
            objectName: "sim.pay.countdown"
            visible: !screen.replacement
            anchors.horizontalCenter: parent.horizontalCenter
            text: qsTr("The number is held for you for %1").arg(sim.countdownText)
            font.pixelSize: 32 * screen.u * theme.textScale
            color: sim.secondsLeft < 120 ? theme.warning : theme.muted
        }
    }

    // Developer aid, shown only with a simulated acceptor: put notes into it.
    Grid {
        visible: sim.simulator && sim.method === "cash"
        // the last row of the page's own column, never over what the customer reads
        parent: mainColumn
        columns: 5
        anchors.horizontalCenter: parent.horizontalCenter
        verticalItemAlignment: Grid.AlignVCenter
        horizontalItemAlignment: Grid.AlignHCenter
        spacing: 16 * screen.u
        Text {
            text: qsTr("Simulator:")
            font.pixelSize: 28 * screen.u * theme.textScale
            color: theme.border
        }
        Repeater {
            model: [1000, 2000, 5000, 10000]
            KioskButton {
                required property int modelData
                objectName: "sim.pay.note." + modelData
                width: 200 * screen.u; height: 90 * screen.u
                u: screen.u * 0.8
                secondary: true
                label: "¥" + (modelData / 100)
                onClicked: sim.insertNote(modelData)
            }
        }
    }
}
