import QtQuick

// "Are you still there?": a countdown before the session ends; one tap keeps it going.
Rectangle {
    id: overlay
    objectName: "idle.warning"
    property real u: 1
    visible: vm.idleSecondsLeft > 0
    color: "#B0000000"
    Texts { id: texts }

    MouseArea { anchors.fill: parent }  // the page behind cannot be tapped meanwhile

    Rectangle {
        anchors.centerIn: parent
        width: 1000 * overlay.u; height: 460 * overlay.u
        radius: 24 * overlay.u
        color: "white"
        Column {
            anchors.centerIn: parent
            spacing: 36 * overlay.u
            Text {
                anchors.horizontalCenter: parent.horizontalCenter
                text: qsTr("Are you still there?")
                font.pixelSize: 60 * overlay.u
                font.bold: true
                color: "#1B2A3A"
            }
            Text {
                objectName: "idle.seconds"
                anchors.horizontalCenter: parent.horizontalCenter
                text: qsTr("Returning to the start in %1 s").arg(vm.idleSecondsLeft)
                font.pixelSize: 44 * overlay.u
                color: "#5A6B80"
            }
            KioskButton {
                objectName: "idle.continue"
                anchors.horizontalCenter: parent.horizontalCenter
                width: 600 * overlay.u; height: 120 * overlay.u
                u: overlay.u
                label: qsTr("Continue")
                onClicked: vm.touched()
            }
        }
    }
}
