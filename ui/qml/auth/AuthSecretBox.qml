import QtQuick

// Six boxes for a 6-digit secret: filled dots for a password (`masked`), the digits of a code.
Row {
    id: box
    property real u: 1
    property int length: 0
    property string digits: ""
    property bool masked: true
    spacing: 20 * u
    Repeater {
        model: 6
        Rectangle {
            required property int index
            width: 110 * box.u; height: 130 * box.u
            radius: 12 * box.u
            color: theme.surface
            border.color: index === box.length ? theme.primary : theme.border
            border.width: (index === box.length ? 6 : 3) * box.u
            Rectangle {
                anchors.centerIn: parent
                visible: box.masked && index < box.length
                width: 36 * box.u; height: width; radius: width / 2
                color: theme.text
            }
            Text {
                anchors.centerIn: parent
                visible: !box.masked && index < box.digits.length
                text: box.digits.charAt(index)
                font.pixelSize: 72 * box.u * theme.textScale
                font.bold: true
                color: theme.text
            }
        }
    }
}
