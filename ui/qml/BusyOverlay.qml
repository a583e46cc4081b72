import QtQuick

// Shown when a device or central keeps the customer waiting longer than 300 ms.
Rectangle {
    id: overlay
    objectName: "busy.indicator"
    property real u: 1
    visible: vm.busyVisible
    color: "#66000000"

    MouseArea { anchors.fill: parent }  // nothing behind it can be tapped twice meanwhile

    Rectangle {
        anchors.centerIn: parent
        width: 640 * overlay.u; height: 320 * overlay.u
        radius: 24 * overlay.u
        color: theme.surface
        border.color: theme.border
        border.width: 2 * overlay.u
        Column {
            anchors.centerIn: parent
            spacing: 30 * overlay.u
            Item {
                anchors.horizontalCenter: parent.horizontalCenter
                width: 110 * overlay.u; height: width
                Rectangle {
                    id: ring
                    anchors.fill: parent
                    radius: width / 2
                    color: "transparent"
                    border.color: theme.primary
                    border.width: 12 * overlay.u
                    opacity: 0.3
                }
                Rectangle {
                    width: 28 * overlay.u; height: width; radius: width / 2
                    color: theme.primary
                    x: parent.width / 2 - width / 2 + Math.cos(spin.angle) * (parent.width / 2 - 6 * overlay.u)
                    y: parent.height / 2 - height / 2 + Math.sin(spin.angle) * (parent.height / 2 - 6 * overlay.u)
                }
                QtObject {
                    id: spin
                    property real angle: 0
                }
                NumberAnimation {
                    target: spin; property: "angle"
                    from: 0; to: 2 * Math.PI; duration: 1200
                    loops: Animation.Infinite
                    running: overlay.visible
                }
            }
            Text {
                anchors.horizontalCenter: parent.horizontalCenter
                text: qsTr("Please wait…")
                font.pixelSize: 44 * overlay.u * theme.textScale
                color: theme.text
            }
        }
    }
}
