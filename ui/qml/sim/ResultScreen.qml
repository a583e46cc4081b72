import QtQuick
import ".."

// The end: take the SIM card (sale or replacement), or — when the card could not be issued —
// what happened to the money (a voucher to take, or a card payment refunded).
ScreenPage {
    id: screen
    designWidth: portrait ? 1080 : 1920  // portrait: its own arrangement, at full size
    objectName: "screen.sim.result"
    readonly property bool ok: sim.outcome === "sold" || sim.outcome === "replaced"
    Texts { id: texts }

    Column {
        anchors.centerIn: parent
        spacing: 30 * screen.u
        width: Math.min(1500 * screen.u, screen.width - 96 * screen.u)

        Text {
            anchors.horizontalCenter: parent.horizontalCenter
            text: screen.ok ? "✓" : "!"
            font.pixelSize: 150 * screen.u * theme.textScale
            font.bold: true
            color: screen.ok ? theme.success : theme.warning
        }
        Prompt {
            objectName: "sim.result.message"
            width: parent.width
            u: screen.u
            font.bold: true
        }
        Text {
            width: Math.min(implicitWidth, screen.width - 96 * screen.u)
            wrapMode: Text.WordWrap
            horizontalAlignment: Text.AlignHCenter
            objectName: "sim.result.number"
            visible: screen.ok
            anchors.horizontalCenter: parent.horizontalCenter
            text: sim.outcome === "sold" ? qsTr("Your new number: %1").arg(sim.resultNumber)
                                         : qsTr("Number %1 now works with the new card").arg(sim.resultNumber)
            font.pixelSize: 60 * screen.u * theme.textScale
            color: theme.text
        }
        Text {
            visible: screen.ok
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: sim.outcome === "sold"
                  ? qsTr("Your service password is sent by SMS to the new number.")
                  : qsTr("The old SIM card no longer works.")
            font.pixelSize: 38 * screen.u * theme.textScale
            color: theme.muted
        }
        Text {
            objectName: "sim.result.money"
            visible: sim.outcome === "voucher" || sim.outcome === "refunded"
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: sim.outcome === "voucher"
                  ? qsTr("Take the printed voucher for %1. A service hall refunds it or puts it on your account.").arg(sim.voucherText)
                  : qsTr("Your card payment of %1 has been refunded to your card.").arg(sim.refundText)
            font.pixelSize: 46 * screen.u * theme.textScale
            color: theme.text
        }
        Text {
            objectName: "sim.result.reason"
            visible: !screen.ok && sim.outcomeKey !== ""
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: qsTr("Reason: %1").arg(texts.message(sim.outcomeKey))
            font.pixelSize: 36 * screen.u * theme.textScale
            color: theme.muted
        }
        Text {
            objectName: "sim.result.captured"
            visible: sim.captured
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: qsTr("The unfinished SIM card was kept safely inside the kiosk.")
            font.pixelSize: 36 * screen.u * theme.textScale
            color: theme.muted
        }
        TakeYourThings {
            width: parent.width
            u: screen.u
            items: (screen.ok ? ["sim"] : []).concat(["idcard"])
                   .concat(sim.method === "card" ? ["bankcard"] : [])
                   .concat(screen.ok ? ["receipt"] : sim.outcome === "voucher" ? ["voucher"] : [])
        }
    }
}
