import QtQuick
import "../../../ui/qml"

// A screen broken on purpose, one defect of each kind the geometry check must catch
// (tests/ui/test_geometry_check.py): it is never part of the kiosk.
Item {
    id: screen
    objectName: "screen.broken"

    Text {  // the title over the header bar
        objectName: "broken.title"
        y: -60
        text: "Choose a service"
        font.pixelSize: 64
    }
    KioskButton {  // a tile under the footer
        objectName: "broken.underFooter"
        x: 100; y: screen.height - 40
        width: 400; height: 200
        label: "Replace SIM card"
    }
    Text {  // two texts drawn over each other
        objectName: "broken.first"
        x: 100; y: 100
        text: "Balance and bills"
        font.pixelSize: 40
    }
    Text {
        objectName: "broken.second"
        x: 120; y: 110
        text: "Print invoice"
        font.pixelSize: 40
    }
    Text {  // elided
        objectName: "broken.elided"
        x: 100; y: 250
        width: 120
        elide: Text.ElideRight
        text: "Pay bill by cash"
        font.pixelSize: 40
    }
    Rectangle {  // a pill narrower than its words
        x: 500; y: 350
        width: 200; height: 80
        color: "white"
        Text {
            objectName: "broken.pill"
            anchors.centerIn: parent
            text: "Touch the screen to start"
            font.pixelSize: 40
        }
    }
    KioskButton {  // too small to tap
        objectName: "broken.small"
        x: 900; y: 100
        width: 40; height: 40
        label: "x"
    }
    Flickable {  // more than it shows, and nothing says so
        objectName: "broken.list"
        x: 900; y: 250
        width: 400; height: 200
        clip: true
        contentHeight: 1000
        Text { y: 10; text: "row 1"; font.pixelSize: 40 }
    }
    KioskButton {  // two buttons over each other
        objectName: "broken.a"
        x: 1400; y: 100; width: 300; height: 150
        label: "A"
    }
    KioskButton {
        objectName: "broken.b"
        x: 1450; y: 150; width: 300; height: 150
        label: "B"
    }
    Flickable {  // scrolls up and down, but its words run off its side
        x: 100; y: 500
        width: 300; height: 200
        clip: true
        contentWidth: width
        contentHeight: 600
        Text { objectName: "broken.wide"; text: "Pay this month's bill in cash"; font.pixelSize: 40 }
    }
    ScrollHint { x: 100; y: 700; width: 300; flickable: parent.children[parent.children.length - 2] }
}
