import QtQuick

// Number entry on an on-screen keypad; the number is grouped as 138 0013 8000.
// Landscape: what was typed and "Next" on the left, the keypad on the right.
Item {
    id: screen
    objectName: "screen.number"
    readonly property real u: Math.min(Window.width / 1920, Window.height / 1080)
    Texts { id: texts }

    Row {
        anchors.centerIn: parent
        spacing: 80 * screen.u

        Column {
            anchors.verticalCenter: parent.verticalCenter
            spacing: 40 * screen.u
            width: 880 * screen.u

            Text {
                objectName: "number.prompt"
                width: parent.width
                wrapMode: Text.WordWrap
                horizontalAlignment: Text.AlignHCenter
                text: texts.message(vm.messageKey)
                font.pixelSize: 48 * screen.u
                color: vm.messageKey === "topup.invalid_number" ? "#B3261E" : "#1B2A3A"
            }

            Rectangle {
                width: parent.width; height: 140 * screen.u
                radius: 12 * screen.u
                color: "white"
                border.color: vm.numberValid ? "#1E8E3E" : "#8A97A8"
                border.width: 4 * screen.u
                Text {
                    objectName: "number.display"
                    anchors.centerIn: parent
                    text: vm.numberDisplay === "" ? qsTr("Mobile number") : vm.numberDisplay
                    color: vm.numberDisplay === "" ? "#8A97A8" : "#1B2A3A"
                    font.pixelSize: 76 * screen.u
                    font.letterSpacing: 4 * screen.u
                }
            }

            KioskButton {
                objectName: "number.next"
                width: parent.width; height: 130 * screen.u
                u: screen.u
                enabled: vm.numberValid && !vm.busy
                label: qsTr("Next")
                onClicked: vm.submitNumber()
            }
        }

        Grid {
            anchors.verticalCenter: parent.verticalCenter
            columns: 3
            spacing: 18 * screen.u
            Repeater {
                model: ["1", "2", "3", "4", "5", "6", "7", "8", "9", "clear", "0", "back"]
                KioskButton {
                    required property string modelData
                    objectName: "key." + modelData
                    width: 230 * screen.u; height: 130 * screen.u
                    u: screen.u
                    secondary: modelData === "clear" || modelData === "back"
                    label: modelData === "clear" ? qsTr("Clear")
                         : modelData === "back" ? "⌫" : modelData
                    onClicked: modelData === "clear" ? vm.clearDigits()
                             : modelData === "back" ? vm.backspace() : vm.pressDigit(modelData)
                }
            }
        }
    }
}
