import QtQuick

// Where the ID card goes, drawn from above: the reader's pad with its marked reading area, and
// the card sliding onto it (looping while `animate`; resting on the reader otherwise).
Item {
    id: picture
    property real u: 1
    property bool animate: true
    property real progress: animate ? 0 : 1  // 0: the card above the reader, 1: lying on it
    implicitWidth: 560 * u
    property bool compact: false  // no room above the reader for the sliding card
    implicitHeight: (compact ? 340 : 480) * u

    Rectangle {
        id: reader
        objectName: "auth.picture.reader"
        anchors { bottom: parent.bottom; horizontalCenter: parent.horizontalCenter }
        width: 540 * picture.u; height: 330 * picture.u
        radius: 28 * picture.u
        color: theme.bar
        border.color: theme.border
        border.width: 4 * picture.u

        Rectangle {
            id: zone
            anchors.centerIn: parent
            width: 364 * picture.u; height: 230 * picture.u
            radius: 18 * picture.u
            color: "transparent"
            border.color: theme.primary
            border.width: 5 * picture.u

            Repeater {  // the reading field
                model: 3
                Rectangle {
                    required property int index
                    anchors.centerIn: parent
                    width: (50 + index * 48) * picture.u; height: width
                    radius: width / 2
                    color: "transparent"
                    border.color: theme.primary
                    border.width: 4 * picture.u
                    opacity: 1 - index * 0.25
                }
            }
        }
    }

    Rectangle {
        id: card
        objectName: "auth.picture.card"
        readonly property real restX: reader.x + zone.x
        readonly property real restY: reader.y + zone.y
        width: zone.width; height: zone.height
        x: restX + 110 * picture.u * (1 - picture.progress)
        y: restY - 250 * picture.u * (1 - picture.progress)
        rotation: -8 * (1 - picture.progress)
        radius: 18 * picture.u
        color: theme.surface
        border.color: theme.text
        border.width: 3 * picture.u
        opacity: 0.35 + 0.65 * Math.min(1, picture.progress * 2 + 0.3)

        Rectangle {  // the photo
            anchors { right: parent.right; rightMargin: 24 * picture.u; verticalCenter: parent.verticalCenter }
            width: 96 * picture.u; height: 124 * picture.u
            radius: 6 * picture.u
            color: theme.disabled
            Rectangle {
                anchors { horizontalCenter: parent.horizontalCenter; top: parent.top; topMargin: 18 * picture.u }
                width: 44 * picture.u; height: width; radius: width / 2
                color: theme.border
            }
            Rectangle {
                anchors { horizontalCenter: parent.horizontalCenter; bottom: parent.bottom }
                width: 76 * picture.u; height: 40 * picture.u; radius: 20 * picture.u
                color: theme.border
            }
        }
        Column {  // the printed lines
            anchors { left: parent.left; leftMargin: 26 * picture.u; verticalCenter: parent.verticalCenter }
            spacing: 20 * picture.u
            Repeater {
                model: [150, 190, 120, 210]
                Rectangle {
                    required property int modelData
                    width: modelData * picture.u; height: 14 * picture.u
                    radius: 7 * picture.u
                    color: theme.border
                }
            }
        }
    }

    SequentialAnimation {
        running: picture.animate && picture.visible
        loops: Animation.Infinite
        NumberAnimation { target: picture; property: "progress"; from: 0; to: 1; duration: 1400; easing.type: Easing.OutCubic }
        PauseAnimation { duration: 1200 }
        NumberAnimation { target: picture; property: "progress"; to: 0; duration: 10 }
        PauseAnimation { duration: 300 }
    }
}
