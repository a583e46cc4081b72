import QtQuick
import ".."

// The real-name check's answer: who was checked (masked), and Continue — or why not, and try
// again with the card.
ScreenPage {
    id: screen
    designWidth: portrait ? 1080 : 1920  // portrait: its own arrangement, at full size
    objectName: "screen.sim.check"

    Column {
        anchors.centerIn: parent
        spacing: 32 * screen.u
        width: Math.min(1400 * screen.u, screen.width - 96 * screen.u)

        Text {
            anchors.horizontalCenter: parent.horizontalCenter
            text: sim.checkOk ? "✓" : "✕"
            font.pixelSize: 150 * screen.u * theme.textScale
            color: sim.checkOk ? theme.success : theme.error
        }
        Prompt {
            objectName: "sim.check.message"
            width: parent.width
            u: screen.u
            error: !sim.checkOk
        }
        Rectangle {
            visible: sim.checkOk
            anchors.horizontalCenter: parent.horizontalCenter
            width: 1100 * screen.u; height: details.height + 60 * screen.u
            radius: 20 * screen.u
            color: theme.surface
            Column {
                id: details
                anchors.centerIn: parent
                spacing: 16 * screen.u
                Text {
                    objectName: "sim.check.name"
                    anchors.horizontalCenter: parent.horizontalCenter
                    text: qsTr("Name: %1").arg(sim.maskedName)
                    font.pixelSize: 48 * screen.u * theme.textScale
                    color: theme.text
                }
                Text {
                    objectName: "sim.check.id"
                    width: parent.parent.width - 32 * screen.u  // the box: smaller rather than out of it
                    horizontalAlignment: Text.AlignHCenter
                    fontSizeMode: Text.HorizontalFit
                    minimumPixelSize: 20
                    anchors.horizontalCenter: parent.horizontalCenter
                    text: qsTr("ID number: %1").arg(sim.maskedId)
                    font.pixelSize: 48 * screen.u * theme.textScale
                    color: theme.text
                }
                Text {
                    anchors.horizontalCenter: parent.horizontalCenter
                    text: qsTr("Lines in your name: %1 of %2 allowed").arg(sim.linesOwned).arg(sim.linesAllowed)
                    font.pixelSize: 36 * screen.u * theme.textScale
                    color: theme.muted
                }
            }
        }
        KioskButton {
            objectName: "sim.check.continue"
            visible: sim.checkOk
            anchors.horizontalCenter: parent.horizontalCenter
            width: 820 * screen.u; height: 130 * screen.u
            u: screen.u
            enabled: !vm.busy
            label: qsTr("Choose a number")
            onClicked: sim.toNumbers()
        }
        KioskButton {
            objectName: "sim.check.retry"
            visible: !sim.checkOk
            anchors.horizontalCenter: parent.horizontalCenter
            width: 820 * screen.u; height: 130 * screen.u
            u: screen.u
            enabled: !vm.busy
            label: qsTr("Try again with the ID card")
            onClicked: sim.retryIdCard()
        }
    }
}
