import QtQuick

// A padlock above six password dots: the 6-digit service password.
Item {
    id: picture
    property real u: 1
    implicitWidth: 360 * u
    implicitHeight: 420 * u

    Rectangle {  // the shackle (its lower half hidden behind the body)
        anchors { horizontalCenter: parent.horizontalCenter; top: parent.top; topMargin: 20 * picture.u }
        width: 160 * picture.u; height: 200 * picture.u
        radius: 80 * picture.u
        color: "transparent"
        border.color: theme.text
        border.width: 26 * picture.u
    }
    Rectangle {  // the body
        id: body
        anchors { horizontalCenter: parent.horizontalCenter; top: parent.top; topMargin: 130 * picture.u }
        width: 250 * picture.u; height: 190 * picture.u
        radius: 24 * picture.u
        color: theme.primary
        Rectangle {  // keyhole
            anchors { horizontalCenter: parent.horizontalCenter; top: parent.top; topMargin: 50 * picture.u }
            width: 40 * picture.u; height: width; radius: width / 2
            color: theme.onPrimary
        }
        Rectangle {
            anchors { horizontalCenter: parent.horizontalCenter; top: parent.top; topMargin: 80 * picture.u }
            width: 16 * picture.u; height: 50 * picture.u; radius: 6 * picture.u
            color: theme.onPrimary
        }
    }
    Row {
        anchors { horizontalCenter: parent.horizontalCenter; top: body.bottom; topMargin: 36 * picture.u }
        spacing: 18 * picture.u
        Repeater {
            model: 6
            Rectangle {
                width: 34 * picture.u; height: width; radius: width / 2
                color: theme.text
            }
        }
    }
}
