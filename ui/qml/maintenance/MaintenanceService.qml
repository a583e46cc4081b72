import QtQuick
import ".."

// The out-of-service switch: while it is on, customers see that this kiosk is out of service
// and no service can start. It survives a restart until switched back.
ScreenPage {
    id: screen
    designWidth: portrait ? 1080 : 1920  // portrait: its own arrangement, at full size
    objectName: "screen.maintenance.service"

    Column {
        anchors.centerIn: parent
        width: Math.min(parent.width - 96 * screen.u, 1200 * screen.u)
        spacing: 40 * screen.u
        Prompt {
            objectName: "maintenance.service.message"
            width: parent.width
            u: screen.u
        }
        Text {
            objectName: "maintenance.service.state"
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            text: maintenance.outOfService ? qsTr("Out of service") : qsTr("In service")
            font.pixelSize: 80 * screen.u * theme.textScale
            font.bold: true
            color: maintenance.outOfService ? theme.error : theme.success
        }
        Text {
            objectName: "maintenance.service.reason"
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            visible: maintenance.outOfService
            text: maintenance.outOfServiceReason
            font.pixelSize: 34 * screen.u * theme.textScale
            color: theme.muted
        }
        KioskButton {
            objectName: "maintenance.service.toggle"
            anchors.horizontalCenter: parent.horizontalCenter
            width: 820 * screen.u; height: 130 * screen.u
            u: screen.u
            enabled: !vm.busy
            label: maintenance.outOfService ? qsTr("Put back in service") : qsTr("Take out of service")
            onClicked: maintenance.setOutOfService(!maintenance.outOfService)
        }
    }
}
