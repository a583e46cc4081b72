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
    // The width it may take (0: as wide as its buttons want): narrower buttons, one row.
    property real available: 0
    readonly property real eachWidth: available > 0 && months.length > 0
        ? Math.min(buttonWidth * u, (available - (months.length - 1) * spacing) / months.length)
        : buttonWidth * u
    signal chosen(string month)
    spacing: 16 * u
    AccountTexts { id: names }

    Repeater {
        model: picker.months
        KioskButton {
            required property string modelData
            objectName: picker.prefix + "." + modelData
            width: picker.eachWidth; height: 110 * picker.u
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
