import QtQuick
import ".."

// Number entry on the on-screen keypad, shared by every payment (cash and card top-up, bill):
// what was typed (grouped 138 0013 8000) and "Next" on the left, the keypad on the right.
// The screen binds the number and decides what a key does. Portrait: stacked, keypad below.
Grid {
    id: entry
    property real u: 1
    property string title: ""   // which service, and what number it asks for
    property string prompt: ""
    property bool error: false
    property string numberDisplay: ""
    property bool numberValid: false
    property bool busy: false
    signal digit(string d)
    signal clear()
    signal backspace()
    signal next()

    columns: Window.height > Window.width ? 1 : 2
    spacing: 80 * u
    verticalItemAlignment: Grid.AlignVCenter
    horizontalItemAlignment: Grid.AlignHCenter

    Column {
        spacing: 40 * entry.u
        width: 880 * entry.u

        Text {
            objectName: "number.title"
            width: parent.width
            visible: entry.title !== ""
            wrapMode: Text.WordWrap
            horizontalAlignment: Text.AlignHCenter
            text: entry.title
            font.pixelSize: 56 * entry.u * theme.textScale
            font.bold: true
            color: theme.primary
        }

        Text {
            objectName: "number.prompt"
            width: parent.width
            wrapMode: Text.WordWrap
            horizontalAlignment: Text.AlignHCenter
            text: entry.prompt
            font.pixelSize: 48 * entry.u * theme.textScale
            color: entry.error ? theme.error : theme.text
        }

        Rectangle {
            width: parent.width; height: Math.max(140 * entry.u, display.implicitHeight + 24 * entry.u)
            radius: 12 * entry.u
            color: theme.surface
            border.color: entry.numberValid ? theme.success : theme.border
            border.width: 4 * entry.u
            Text {
                id: display
                objectName: "number.display"
                width: parent.width - 32 * entry.u  // the box: smaller rather than out of it
                horizontalAlignment: Text.AlignHCenter
                fontSizeMode: Text.HorizontalFit
                minimumPixelSize: 20
                anchors.centerIn: parent
                text: entry.numberDisplay === "" ? qsTr("Mobile number") : entry.numberDisplay
                color: entry.numberDisplay === "" ? theme.border : theme.text
                font.pixelSize: 76 * entry.u * theme.textScale
                font.letterSpacing: 4 * entry.u
            }
        }

        KioskButton {
            objectName: "number.next"
            width: parent.width; height: 130 * entry.u
            u: entry.u
            enabled: entry.numberValid && !entry.busy
            label: qsTr("Next")
            onClicked: entry.next()
        }
    }

    Keypad {
        u: entry.u
        onDigit: function(d) { entry.digit(d) }
        onClear: entry.clear()
        onBackspace: entry.backspace()
    }
}
