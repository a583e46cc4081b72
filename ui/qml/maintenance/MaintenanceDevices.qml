import QtQuick
import ".."

// Device status: one row per installed device with its health; printer, bill acceptor and ID
// card reader have a self-test whose result shows in their row.
Item {
    id: screen
    objectName: "screen.maintenance.devices"
    readonly property real u: Math.min(Window.width / 1920, Window.height / 1080)
    readonly property bool portrait: Window.height > Window.width
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
            bottom: refresh.top; bottomMargin: 24 * screen.u
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
            height: (screen.portrait ? 260 : 140) * screen.u
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
                    maximumLineCount: screen.portrait ? 3 : 1
                    elide: Text.ElideRight
                    text: mt.levelName(modelData.level) + " · " + modelData.code
                          + (modelData.detail !== "" ? " · " + modelData.detail : "")
                    font.pixelSize: 32 * screen.u * theme.textScale
                    color: screen.levelColour(modelData.level)
                }
                Text {
                    objectName: "maintenance.device." + modelData.name + ".result"
                    width: parent.width
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
