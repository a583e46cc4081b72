import QtQuick

// A large touch target (at least 15 mm on a 21.5" screen) with one clear label.
Rectangle {
    id: button
    property real u: 1
    property string label: ""
    property string sublabel: ""
    property bool secondary: false
    signal clicked()

    radius: 16 * u
    color: !enabled ? "#C9CFD8" : (area.pressed ? Qt.darker(base, 1.2) : base)
    readonly property color base: secondary ? "#FFFFFF" : "#0B5CAD"
    border.color: secondary ? "#0B5CAD" : "transparent"
    border.width: secondary ? 3 * u : 0
    opacity: 1

    Column {
        anchors.centerIn: parent
        spacing: 6 * button.u
        Text {
            anchors.horizontalCenter: parent.horizontalCenter
            text: button.label
            color: !button.enabled ? "#4A5566" : (button.secondary ? "#0B5CAD" : "white")
            font.pixelSize: 44 * button.u
            font.bold: true
        }
        Text {
            anchors.horizontalCenter: parent.horizontalCenter
            visible: button.sublabel !== ""
            text: button.sublabel
            color: !button.enabled ? "#4A5566" : (button.secondary ? "#33507A" : "#DCE8F7")
            font.pixelSize: 28 * button.u
        }
    }

    MouseArea {
        id: area
        anchors.fill: parent
        enabled: button.enabled
        onClicked: button.clicked()
    }
}
