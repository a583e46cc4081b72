import QtQuick
import QtQuick.Window

// Root window: a header with the language and display switches, the current screen (each
// feature's screens come from ui/qml/<feature>/, chosen by the navigator), and a bottom bar
// whose Back and Cancel buttons are always in the same place.
Window {
    id: root
    objectName: "root"
    width: 1920
    height: 1080
    visible: true
    color: theme.background
    title: qsTr("Self-service kiosk")

    // One design unit: the screen is laid out for 1920×1080 and scales to any size. The bars
    // are laid out for the short side, so they keep 15 mm touch targets in portrait too.
    readonly property bool portrait: height > width
    readonly property real u: portrait ? Math.min(width / 1080, height / 1920)
                                       : Math.min(width / 1920, height / 1080)

    MouseArea {
        anchors.fill: parent
        propagateComposedEvents: true
        onPressed: function(mouse) { vm.touched(); mouse.accepted = false }
    }

    Header {
        id: header
        visible: vm.screen !== "attract"
        anchors { left: parent.left; right: parent.right; top: parent.top }
        height: visible ? 120 * root.u : 0
        u: root.u
    }

    StepStrip {
        id: steps
        anchors { left: parent.left; right: parent.right; top: header.bottom }
        u: root.u
    }

    Loader {
        id: screenLoader
        objectName: "screenLoader"
        anchors {
            left: parent.left; right: parent.right
            top: steps.bottom; bottom: footer.top
        }
        source: vm.screenSource
    }

    Footer {
        id: footer
        visible: vm.screen !== "attract" && vm.screen !== "out_of_service"
        anchors { left: parent.left; right: parent.right; bottom: parent.bottom }
        height: visible ? 150 * root.u : 0
        u: root.u
    }

    BusyOverlay {
        anchors.fill: parent
        z: 9
        u: root.u
    }

    IdleWarning {
        anchors.fill: parent
        z: 10
        u: root.u
    }
}
