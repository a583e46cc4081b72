import QtQuick

// Attract screen: a looping banner with what this kiosk can do; touch anywhere to start. While
// the core is still starting (vm.ready false: recovery, devices settling) it says so and lets
// no one in.
Rectangle {
    id: screen
    objectName: "screen.attract"
    // The whole window is its area (no header or footer); portrait at full size, not shrunk.
    readonly property real u: Window.height > Window.width
                              ? Math.min(Window.width / 1080, Window.height / 1920)
                              : Math.min(Window.width / 1920, Window.height / 1080)
    Texts { id: texts }
    gradient: Gradient {
        GradientStop { position: 0.0; color: theme.primary === "#FFD400" ? "#000000" : "#0B5CAD" }
        GradientStop { position: 1.0; color: theme.primaryDark }
    }

    // The services on offer right now, one at a time.
    readonly property var offers: vm.services.filter(function(s) { return s.available })
    property int shown: 0
    Timer {
        interval: 3500
        repeat: true
        running: screen.offers.length > 1
        onTriggered: swap.restart()
    }
    // The next offer fades in; a language switch changes the words at once (a Behavior on
    // the text would hold the old language back until its fade ended).
    SequentialAnimation {
        id: swap
        NumberAnimation { target: banner; property: "opacity"; to: 0; duration: 200 }
        ScriptAction { script: screen.shown = (screen.shown + 1) % Math.max(1, screen.offers.length) }
        NumberAnimation { target: banner; property: "opacity"; to: 1; duration: 300 }
    }

    Column {
        anchors.centerIn: parent
        spacing: 50 * screen.u
        Text {
            objectName: "attract.name"
            anchors.horizontalCenter: parent.horizontalCenter
            width: screen.width - 120 * screen.u
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: texts.kioskName()
            color: "white"
            font.pixelSize: 96 * screen.u
            font.bold: true
        }
        Text {
            objectName: "attract.banner"
            anchors.horizontalCenter: parent.horizontalCenter
            width: Math.min(1500 * screen.u, screen.width - 120 * screen.u)
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            readonly property var offer: screen.offers.length > 0
                                         ? screen.offers[screen.shown % screen.offers.length] : null
            text: offer ? texts.serviceLabel(offer.key) + " · " + texts.serviceHint(offer.key)
                        : qsTr("Mobile services, any time")
            color: "#DCE8F7"
            font.pixelSize: 56 * screen.u
            id: banner
        }
        Text {
            anchors.horizontalCenter: parent.horizontalCenter
            width: Math.min(1500 * screen.u, screen.width - 120 * screen.u)
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: qsTr("Top up, pay bills, print records, get a new SIM card")
            color: "#B8CCE6"
            font.pixelSize: 40 * screen.u
        }
        Rectangle {
            objectName: "attract.pill"
            anchors.horizontalCenter: parent.horizontalCenter
            // As wide as its words (English is longer), never wider than the screen.
            width: Math.min(screen.width - 80 * screen.u,
                            Math.max(760 * screen.u, prompt.implicitWidth + 120 * screen.u))
            height: Math.max(150 * screen.u, prompt.height + 40 * screen.u)
            radius: 75 * screen.u
            color: "white"
            SequentialAnimation on opacity {
                loops: Animation.Infinite
                NumberAnimation { from: 1; to: 0.6; duration: 1200 }
                NumberAnimation { from: 0.6; to: 1; duration: 1200 }
            }
            Text {
                id: prompt
                objectName: "attract.prompt"
                anchors.centerIn: parent
                width: Math.min(implicitWidth, screen.width - 200 * screen.u)
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.WordWrap
                text: vm.ready ? qsTr("Touch the screen to start") : qsTr("Starting up, one moment")
                color: "#0B5CAD"
                font.pixelSize: 56 * screen.u
                font.bold: true
            }
        }
    }

    MouseArea {
        objectName: "attract.start"
        anchors.fill: parent
        enabled: vm.ready
        onClicked: vm.start()
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
            enabled: vm.ready
            onClicked: maintenance.corner(modelData)
        }
    }
}
