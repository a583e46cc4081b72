import QtQuick
import ".."

// The month picker: one button per month (the last six), the chosen one filled.
Row {
    id: picker
    property real u: 1
    property string prefix: "account.month"
    property var months: []
    property string selected: ""
    property real buttonWidth: 240
    signal chosen(string month)
    spacing: 16 * u
    AccountTexts { id: names }

    Repeater {
        model: picker.months
        KioskButton {
            required property string modelData
            objectName: picker.prefix + "." + modelData
            width: picker.buttonWidth * picker.u; height: 110 * picker.u
            u: picker.u
            labelSize: 38
            secondary: modelData !== picker.selected
            enabled: !vm.busy
            label: names.monthName(modelData)
            sublabel: modelData.split("-")[0]
            onClicked: picker.chosen(modelData)
        }
    }
}
