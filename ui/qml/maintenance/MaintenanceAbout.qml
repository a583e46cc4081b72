import QtQuick
import ".."

// About: the software version and the configuration this kiosk runs with (secrets shown as ***
// by the core), scrolled by dragging.
ScreenPage {
    id: screen
    designWidth: portrait ? 1080 : 1920  // portrait: its own arrangement, at full size
    scrolls: false
    objectName: "screen.maintenance.about"

    Column {
        id: top
        anchors { top: parent.top; topMargin: 24 * screen.u; horizontalCenter: parent.horizontalCenter }
        width: parent.width - 96 * screen.u
        spacing: 16 * screen.u
        Text {
            objectName: "maintenance.about.version"
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            text: qsTr("Software version %1").arg(maintenance.version)
            font.pixelSize: 56 * screen.u * theme.textScale
            font.bold: true
            color: theme.text
        }
        Prompt {
            objectName: "maintenance.about.message"
            width: parent.width
            u: screen.u
        }
    }

    ListView {
        id: rows
        objectName: "maintenance.about.list"
        anchors {
            top: top.bottom; topMargin: 24 * screen.u
            bottom: parent.bottom; bottomMargin: 24 * screen.u
            left: parent.left; leftMargin: 48 * screen.u
            right: parent.right; rightMargin: 48 * screen.u
        }
        clip: true
        boundsBehavior: Flickable.StopAtBounds
        model: maintenance.aboutRows
        delegate: Row {
            required property var modelData
            width: rows.width
            spacing: 24 * screen.u
            Text {
                width: rows.width * 0.42
                fontSizeMode: Text.HorizontalFit  // smaller rather than cut off
                minimumPixelSize: 16
                elide: Text.ElideLeft
                text: modelData.key
                font.pixelSize: 30 * screen.u * theme.textScale
                color: theme.muted
            }
            Text {
                width: rows.width * 0.55
                wrapMode: Text.WrapAnywhere
                text: modelData.value
                font.pixelSize: 30 * screen.u * theme.textScale
                color: theme.text
            }
        }
    }
}
