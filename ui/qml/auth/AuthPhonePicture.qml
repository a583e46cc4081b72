import QtQuick

// A mobile phone receiving a text message with a 6-digit code.
Item {
    id: picture
    property real u: 1
    implicitWidth: 360 * u
    implicitHeight: 420 * u

    Rectangle {
        id: phone
        anchors { left: parent.left; leftMargin: 40 * picture.u; verticalCenter: parent.verticalCenter }
        width: 210 * picture.u; height: 400 * picture.u
        radius: 34 * picture.u
        color: theme.surface
        border.color: theme.text
        border.width: 8 * picture.u
        Rectangle {  // speaker
            anchors { horizontalCenter: parent.horizontalCenter; top: parent.top; topMargin: 22 * picture.u }
            width: 60 * picture.u; height: 10 * picture.u; radius: 5 * picture.u
            color: theme.text
        }
        Rectangle {  // home button
            anchors { horizontalCenter: parent.horizontalCenter; bottom: parent.bottom; bottomMargin: 18 * picture.u }
            width: 36 * picture.u; height: width; radius: width / 2
            color: "transparent"
            border.color: theme.text
            border.width: 5 * picture.u
        }
    }

    Rectangle {  // the text message with its code
        anchors { right: parent.right; top: parent.top; topMargin: 110 * picture.u }
        width: 250 * picture.u; height: 120 * picture.u
        radius: 24 * picture.u
        color: theme.primary
        Row {
            anchors.centerIn: parent
            spacing: 12 * picture.u
            Repeater {
                model: 6
                Rectangle {
                    width: 24 * picture.u; height: 34 * picture.u; radius: 5 * picture.u
                    color: theme.onPrimary
                }
            }
        }
        Rectangle {  // the bubble's tail
            anchors { left: parent.left; leftMargin: 30 * picture.u; bottom: parent.bottom; bottomMargin: -14 * picture.u }
            width: 30 * picture.u; height: width
            rotation: 45
            color: theme.primary
        }
    }
}
