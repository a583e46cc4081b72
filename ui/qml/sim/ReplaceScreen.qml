import QtQuick
import ".."

// Replacement: which line gets a new card, what it costs, and the one button that starts it.
ScreenPage {
    id: screen
    designWidth: portrait ? 1080 : 1920  // portrait: its own arrangement, at full size
    objectName: "screen.sim.replace"

    Column {
        anchors.centerIn: parent
        spacing: 36 * screen.u
        width: Math.min(1400 * screen.u, screen.width - 96 * screen.u)

        Prompt {
            objectName: "sim.replace.prompt"
            width: parent.width
            u: screen.u
        }
        Rectangle {
            anchors.horizontalCenter: parent.horizontalCenter
            width: 1100 * screen.u; height: info.height + 70 * screen.u
            radius: 20 * screen.u
            color: theme.surface
            Column {
                id: info
                anchors.centerIn: parent
                width: parent.width - 80 * screen.u
                spacing: 20 * screen.u
                Text {
                    objectName: "sim.replace.number"
                    anchors.horizontalCenter: parent.horizontalCenter
                    text: qsTr("New SIM card for %1").arg(sim.customerNumber)
                    font.pixelSize: 56 * screen.u * theme.textScale
                    font.bold: true
                    color: theme.text
                }
                Text {
                    objectName: "sim.replace.fee"
                    anchors.horizontalCenter: parent.horizontalCenter
                    text: sim.priceFen > 0 ? qsTr("Fee: %1").arg(sim.priceText)
                                           : qsTr("Fee: free of charge")
                    font.pixelSize: 44 * screen.u * theme.textScale
                    color: sim.priceFen > 0 ? theme.text : theme.success
                }
                Text {
                    width: parent.width
                    horizontalAlignment: Text.AlignHCenter
                    wrapMode: Text.WordWrap
                    text: qsTr("You keep your number, plan and balance. The old SIM card stops working as soon as the new one is issued.")
                    font.pixelSize: 34 * screen.u * theme.textScale
                    color: theme.muted
                }
            }
        }
        KioskButton {
            objectName: "sim.replace.confirm"
            anchors.horizontalCenter: parent.horizontalCenter
            width: Math.min(1100 * screen.u, screen.width - 96 * screen.u); height: 130 * screen.u
            u: screen.u
            enabled: !vm.busy
            label: sim.priceFen > 0 ? qsTr("Pay %1 and replace my SIM card").arg(sim.priceText)
                                    : qsTr("Replace my SIM card")
            onClicked: sim.confirmReplacement()
        }
    }
}
