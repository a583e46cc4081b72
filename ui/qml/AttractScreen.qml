import QtQuick

// Attract screen: what this kiosk can do, touch anywhere to start.
Rectangle {
    id: screen
    objectName: "screen.attract"
    readonly property real u: Math.min(Window.width / 1920, Window.height / 1080)
    gradient: Gradient {
        GradientStop { position: 0.0; color: "#0B5CAD" }
        GradientStop { position: 1.0; color: "#063A70" }
    }

    Column {
        anchors.centerIn: parent
        spacing: 40 * screen.u
        Text {
            anchors.horizontalCenter: parent.horizontalCenter
            text: vm.kioskName
            color: "white"
            font.pixelSize: 96 * screen.u
            font.bold: true
        }
        Text {
            anchors.horizontalCenter: parent.horizontalCenter
            text: qsTr("Top up your phone with cash — any number, any time")
            color: "#DCE8F7"
            font.pixelSize: 52 * screen.u
        }
        Rectangle {
            anchors.horizontalCenter: parent.horizontalCenter
            width: 760 * screen.u; height: 150 * screen.u
            radius: 75 * screen.u
            color: "white"
            SequentialAnimation on opacity {
                loops: Animation.Infinite
                NumberAnimation { from: 1; to: 0.6; duration: 1200 }
                NumberAnimation { from: 0.6; to: 1; duration: 1200 }
            }
            Text {
                anchors.centerIn: parent
                text: qsTr("Touch the screen to start")
                color: "#0B5CAD"
                font.pixelSize: 56 * screen.u
                font.bold: true
            }
        }
    }

    MouseArea {
        objectName: "attract.start"
        anchors.fill: parent
        onClicked: vm.start()
    }
}
