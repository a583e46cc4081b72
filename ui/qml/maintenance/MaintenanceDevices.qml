import QtQuick
import ".."

// Device status: one row per installed device with its health; printer, bill acceptor and ID
// card reader have a self-test whose result shows in their row.
ScreenPage {
    id: screen
    designWidth: portrait ? 1080 : 1920  // portrait: its own arrangement, at full size
    scrolls: false
    objectName: "screen.maintenance.devices"
    MaintenanceTexts { id: mt }

    function levelColour(level) {
        return level === "ok" ? theme.success : level === "warning" ? theme.warning : theme.error
    }

    Prompt {
        id: prompt
        objectName: "maintenance.devices.message"
        anchors { top: parent.top; topMargin: 24 * screen.u; horizontalCenter: parent.horizontalCenter }
        width: parent.width - 96 * screen.u
        u: screen.u
    }

    ListView {
        id: list
        objectName: "maintenance.devices.list"
        anchors {
            top: prompt.bottom; topMargin: 24 * screen.u
            bottom: devicesHint.top; bottomMargin: 8 * screen.u
            horizontalCenter: parent.horizontalCenter
        }
        width: Math.min(parent.width - 96 * screen.u, 1600 * screen.u)
        clip: true
        spacing: 16 * screen.u
        model: maintenance.devices
        delegate: Rectangle {
            required property var modelData
            objectName: "maintenance.device." + modelData.name
            width: list.width
            height: Math.max((screen.portrait ? 260 : 140) * screen.u, children[0].height + 24 * screen.u)
            radius: 14 * screen.u
            color: theme.surface
            border.color: theme.border
            border.width: 2 * screen.u

            Column {
                anchors { left: parent.left; leftMargin: 32 * screen.u; verticalCenter: parent.verticalCenter }
                width: parent.width - 380 * screen.u
                spacing: 6 * screen.u
                Text {
                    width: parent.width
                    fontSizeMode: Text.HorizontalFit  // smaller rather than cut off
                    minimumPixelSize: 16
                    elide: Text.ElideRight
                    text: mt.deviceName(modelData.name)
                    font.pixelSize: 42 * screen.u * theme.textScale
                    font.bold: true
                    color: theme.text
                }
                Text {
                    objectName: "maintenance.device." + modelData.name + ".status"
                    width: parent.width
                    wrapMode: Text.WordWrap
                    maximumLineCount: 3
                    elide: Text.ElideRight
                    text: mt.levelName(modelData.level) + " · " + mt.deviceStatus(modelData.code)
                    font.pixelSize: 32 * screen.u * theme.textScale
                    color: screen.levelColour(modelData.level)
                }
                Text {
                    objectName: "maintenance.device." + modelData.name + ".result"
                    width: parent.width
                    fontSizeMode: Text.HorizontalFit  // smaller rather than cut off
                    minimumPixelSize: 16
                    elide: Text.ElideRight
                    visible: modelData.test.state !== ""
                    text: qsTr("Self-test: %1").arg(mt.testResult(modelData.test))
                    font.pixelSize: 32 * screen.u * theme.textScale
                    color: modelData.test.state === "passed" ? theme.success
                         : modelData.test.state === "failed" ? theme.error : theme.muted
                }
            }
            KioskButton {
                objectName: "maintenance.device." + modelData.name + ".test"
                anchors { right: parent.right; rightMargin: 24 * screen.u; verticalCenter: parent.verticalCenter }
                width: 320 * screen.u; height: 110 * screen.u
                u: screen.u
                visible: modelData.testable
                enabled: modelData.test.state !== "running" && !vm.busy
                label: modelData.test.state === "running" ? qsTr("Testing…") : qsTr("Test")
                onClicked: maintenance.selfTest(modelData.name)
            }
        }
    }

    ScrollHint {
        id: devicesHint
        anchors { left: list.left; right: list.right; bottom: refresh.top; bottomMargin: 16 * screen.u }
        flickable: list
        keepsRoom: true
        u: screen.u
    }

    KioskButton {
        id: refresh
        objectName: "maintenance.devices.refresh"
        anchors { bottom: parent.bottom; bottomMargin: 24 * screen.u; horizontalCenter: parent.horizontalCenter }
        width: 420 * screen.u; height: 110 * screen.u
        u: screen.u
        secondary: true
        enabled: !vm.busy
        label: qsTr("Refresh")
        onClicked: maintenance.refresh()
    }
}
