import QtQuick
import ".."

// Paper: the printer's paper state; after fitting a new roll the technician records the refill
// (the near-end warning ends).
ScreenPage {
    id: screen
    designWidth: portrait ? 1080 : 1920  // portrait: its own arrangement, at full size
    objectName: "screen.maintenance.paper"
    MaintenanceTexts { id: mt }

    Column {
        anchors.centerIn: parent
        width: Math.min(parent.width - 96 * screen.u, 1100 * screen.u)
        spacing: 40 * screen.u
        Prompt {
            objectName: "maintenance.paper.message"
            width: parent.width
            u: screen.u
        }
        Text {
            objectName: "maintenance.paper.state"
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: mt.paperName(maintenance.paperState)
            font.pixelSize: 72 * screen.u * theme.textScale
            font.bold: true
            color: maintenance.paperState === "ok" ? theme.success
                 : maintenance.paperState === "near_end" ? theme.warning
                 : maintenance.paperState === "" ? theme.muted : theme.error
        }
        KioskButton {
            objectName: "maintenance.paper.refilled"
            anchors.horizontalCenter: parent.horizontalCenter
            width: 700 * screen.u; height: 130 * screen.u
            u: screen.u
            enabled: !vm.busy
            label: qsTr("Paper refilled")
            onClicked: maintenance.paperRefilled()
        }
    }
}
