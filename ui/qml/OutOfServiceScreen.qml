import QtQuick

// Out of service: the kiosk takes no money until a technician has fixed it.
Rectangle {
    id: screen
    objectName: "screen.out_of_service"
    // The whole window is its area (no header or footer); portrait at full size, not shrunk.
    readonly property real u: Window.height > Window.width
                              ? Math.min(Window.width / 1080, Window.height / 1920)
                              : Math.min(Window.width / 1920, Window.height / 1080)
    color: "#3A3F47"
    Texts { id: texts }

    Column {
        anchors.centerIn: parent
        spacing: 30 * screen.u
        Text {
            anchors.horizontalCenter: parent.horizontalCenter
            text: qsTr("Out of service")
            font.pixelSize: 96 * screen.u
            font.bold: true
            color: "white"
        }
        Text {
            anchors.horizontalCenter: parent.horizontalCenter
            width: screen.width - 120 * screen.u
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: texts.message(vm.messageKey === "" ? "error.out_of_service" : vm.messageKey)
            font.pixelSize: 44 * screen.u
            color: "#E0E4EA"
        }
        Text {
            anchors.horizontalCenter: parent.horizontalCenter
            width: screen.width - 120 * screen.u
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: qsTr("Please use another kiosk or the service counter.")
            font.pixelSize: 40 * screen.u
            color: "#E0E4EA"
        }
    }

    // Maintenance entry: invisible corner hotspots for the technician's hidden touch sequence
    // (the gate in the core knows the order); a tap here starts nothing for a customer.
    Repeater {
        model: ["top_left", "top_right", "bottom_left", "bottom_right"]
        MouseArea {
            required property string modelData
            objectName: "maint.corner." + modelData
            z: 5
            width: 110 * screen.u; height: 110 * screen.u
            x: modelData.endsWith("left") ? 0 : screen.width - width
            y: modelData.startsWith("top") ? 0 : screen.height - height
            onClicked: maintenance.corner(modelData)
        }
    }
}
