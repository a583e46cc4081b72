import QtQuick

// An on-screen digit keypad: 1–9, Clear, 0, ⌫. Keys are named "key.<digit>", "key.clear" and
// "key.back" for the touch tests; the screen decides what a key does.
Grid {
    id: pad
    property real u: 1
    signal digit(string d)
    signal clear()
    signal backspace()
    columns: 3
    spacing: 18 * u
    Repeater {
        model: ["1", "2", "3", "4", "5", "6", "7", "8", "9", "clear", "0", "back"]
        KioskButton {
            required property string modelData
            objectName: "key." + modelData
            width: 230 * pad.u; height: 130 * pad.u
            u: pad.u
            secondary: modelData === "clear" || modelData === "back"
            label: modelData === "clear" ? qsTr("Clear") : modelData === "back" ? "⌫" : modelData
            onClicked: modelData === "clear" ? pad.clear()
                     : modelData === "back" ? pad.backspace() : pad.digit(modelData)
        }
    }
}
