import QtQuick
import ".."

// Amount choice, shared by the payments: preset buttons (¥30, ¥50, …) on the left, or any
// whole amount typed on the keypad on the right. The screen binds the amounts and the range;
// items declared inside an AmountChoice (the screen's Pay button) go under the left column.
// Portrait: stacked, keypad below.
Grid {
    id: choice
    property real u: 1
    property var presets: []          // [{fen, label}]
    property int presetFen: 0         // the preset chosen, 0 if none
    property string customText: ""    // what was typed, "" if nothing
    property string rangeText: ""
    signal preset(int fen)
    signal digit(string d)
    signal clear()
    signal backspace()
    default property alias content: left.data

    columns: Window.height > Window.width ? 1 : 2
    spacing: 80 * u
    verticalItemAlignment: Grid.AlignVCenter
    horizontalItemAlignment: Grid.AlignHCenter

    Column {
        id: left
        spacing: 28 * choice.u
        width: 880 * choice.u

        Grid {
            columns: 3
            spacing: 24 * choice.u
            Repeater {
                model: choice.presets
                KioskButton {
                    required property var modelData
                    objectName: "amount.preset." + modelData.fen
                    width: (880 - 48) / 3 * choice.u; height: 120 * choice.u
                    u: choice.u
                    labelSize: 56
                    secondary: choice.presetFen !== modelData.fen
                    label: modelData.label
                    onClicked: choice.preset(modelData.fen)
                }
            }
        }

        Text {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            text: qsTr("Or type an amount in yuan (%1)").arg(choice.rangeText)
            wrapMode: Text.WordWrap
            font.pixelSize: 36 * choice.u * theme.textScale
            color: theme.muted
        }

        Rectangle {
            width: parent.width; height: Math.max(120 * choice.u, children[0].height + 24 * choice.u)  // its content, centred
            radius: 12 * choice.u
            color: theme.surface
            border.color: choice.customText !== "" ? theme.primary : theme.border
            border.width: 4 * choice.u
            Text {
                objectName: "amount.custom"
                width: parent.width - 32 * choice.u  // the box: smaller rather than out of it
                horizontalAlignment: Text.AlignHCenter
                fontSizeMode: Text.HorizontalFit
                minimumPixelSize: 20
                anchors.centerIn: parent
                text: choice.customText === "" ? qsTr("Other amount") : choice.customText
                color: choice.customText === "" ? theme.border : theme.text
                font.pixelSize: 72 * choice.u * theme.textScale
            }
        }
    }

    Keypad {
        u: choice.u
        onDigit: function(d) { choice.digit(d) }
        onClear: choice.clear()
        onBackspace: choice.backspace()
    }
}
