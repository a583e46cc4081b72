import QtQuick
import ".."

// The most recent log lines (newest first; personal data already scrubbed by the core),
// scrolled by dragging.
ScreenPage {
    id: screen
    designWidth: portrait ? 1080 : 1920  // portrait: its own arrangement, at full size
    scrolls: false
    objectName: "screen.maintenance.logs"
    MaintenanceTexts { id: mt }

    Prompt {
        id: prompt
        objectName: "maintenance.logs.message"
        anchors { top: parent.top; topMargin: 24 * screen.u; horizontalCenter: parent.horizontalCenter }
        width: parent.width - 96 * screen.u
        u: screen.u
    }

    Rectangle {
        anchors {
            top: prompt.bottom; topMargin: 24 * screen.u
            bottom: refresh.top; bottomMargin: 24 * screen.u
            left: parent.left; leftMargin: 48 * screen.u
            right: parent.right; rightMargin: 48 * screen.u
        }
        radius: 12 * screen.u
        color: theme.surface
        border.color: theme.border
        border.width: 2 * screen.u

        Text {
            objectName: "maintenance.logs.empty"
            anchors.centerIn: parent
            visible: maintenance.logLines.length === 0
            text: qsTr("No log lines")
            font.pixelSize: 40 * screen.u * theme.textScale
            color: theme.muted
        }

        ListView {
            id: lines
            objectName: "maintenance.logs.list"
            anchors { fill: parent; margins: 16 * screen.u }
            clip: true
            model: maintenance.logLines
            spacing: 8 * screen.u
            boundsBehavior: Flickable.StopAtBounds
            delegate: Text {
                required property string modelData
                width: lines.width - 24 * screen.u
                wrapMode: Text.WrapAnywhere
                text: mt.logLine(modelData)
                font.family: "monospace"
                font.pixelSize: 26 * screen.u * theme.textScale
                color: modelData.indexOf("ERROR") >= 0 || modelData.indexOf("CRITICAL") >= 0
                       ? theme.error : modelData.indexOf("WARNING") >= 0 ? theme.warning : theme.text
            }
            // Where in the list the view is: a plain scroll indicator (no extra tap needed).
            Rectangle {
                anchors.right: parent.right
                visible: lines.visibleArea.heightRatio < 1
                y: lines.visibleArea.yPosition * lines.height
                width: 10 * screen.u
                height: lines.visibleArea.heightRatio * lines.height
                radius: width / 2
                color: theme.border
            }
        }
    }

    KioskButton {
        id: refresh
        objectName: "maintenance.logs.refresh"
        anchors { bottom: parent.bottom; bottomMargin: 24 * screen.u; horizontalCenter: parent.horizontalCenter }
        width: 420 * screen.u; height: 110 * screen.u
        u: screen.u
        secondary: true
        enabled: !vm.busy
        label: qsTr("Refresh")
        onClicked: maintenance.refresh()
    }
}
