import QtQuick
import ".."

// Maintenance home: one tile per function; Exit returns the kiosk to its customers.
ScreenPage {
    id: screen
    designWidth: portrait ? 1080 : 1920  // portrait: its own arrangement, at full size
    objectName: "screen.maintenance.home"
    MaintenanceTexts { id: mt }

    readonly property var tiles: [
        { key: "devices", label: qsTr("Devices"), hint: qsTr("Status and self-tests") },
        { key: "cash", label: qsTr("Cash box"), hint: qsTr("Counts and collection") },
        { key: "paper", label: qsTr("Paper"), hint: qsTr("Record a new roll") },
        { key: "queue", label: qsTr("Queue"), hint: qsTr("Sync and dead letters") },
        { key: "logs", label: qsTr("Logs"), hint: qsTr("Recent log lines") },
        { key: "about", label: qsTr("About"), hint: qsTr("Version and configuration") },
        { key: "service", label: qsTr("Service on/off"), hint: qsTr("Out-of-service switch") },
        { key: "exit", label: qsTr("Exit"), hint: qsTr("Back to customers") }
    ]

    Column {
        anchors.centerIn: parent
        spacing: 36 * screen.u
        Text {
            width: Math.min(implicitWidth, screen.width - 96 * screen.u)
            wrapMode: Text.WordWrap
            horizontalAlignment: Text.AlignHCenter
            objectName: "maintenance.home.title"
            anchors.horizontalCenter: parent.horizontalCenter
            text: qsTr("Maintenance · %1").arg(maintenance.technician)
            font.pixelSize: 60 * screen.u * theme.textScale
            font.bold: true
            color: theme.text
        }
        Prompt {
            objectName: "maintenance.home.message"
            anchors.horizontalCenter: parent.horizontalCenter
            width: grid.width
            u: screen.u
        }
        Grid {
            id: grid
            anchors.horizontalCenter: parent.horizontalCenter
            columns: screen.portrait ? 2 : 4
            spacing: 32 * screen.u
            Repeater {
                model: screen.tiles
                KioskButton {
                    required property var modelData
                    objectName: "maintenance.tile." + modelData.key
                    width: screen.portrait ? (screen.width - 96 * screen.u - grid.spacing) / 2 : 400 * screen.u
                    height: 220 * screen.u
                    u: screen.u
                    secondary: modelData.key === "exit"
                    label: modelData.label
                    sublabel: modelData.hint
                    onClicked: modelData.key === "exit" ? maintenance.exitMaintenance()
                                                        : maintenance.openScreen(modelData.key)
                }
            }
        }
    }
}
