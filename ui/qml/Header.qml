import QtQuick

// Top bar: the kiosk's name, who is logged in, and the switches for language, large text and
// high contrast — on every screen but the attract screen.
Rectangle {
    property real u: 1
    id: header
    color: theme.primaryDark === "#000000" ? theme.bar : theme.primary
    Texts { id: texts }

    Text {
        objectName: "header.name"
        anchors { left: parent.left; leftMargin: 48 * u; verticalCenter: parent.verticalCenter }
        width: switches.x - 72 * u
        height: parent.height - 16 * u
        verticalAlignment: Text.AlignVCenter
        wrapMode: Text.WordWrap
        fontSizeMode: Text.Fit
        minimumPixelSize: 16 * u
        text: texts.kioskName()
        color: theme.onPrimary === "#000000" ? theme.text : theme.onPrimary
        font.pixelSize: 44 * u * theme.textScale
        font.bold: true
    }

    Text {
        objectName: "header.customer"
        anchors { horizontalCenter: parent.horizontalCenter; verticalCenter: parent.verticalCenter }
        visible: vm.customerDisplay !== "" && parent.width > 1400 * u
        text: qsTr("Logged in: %1").arg(vm.customerDisplay)
        color: theme.onPrimary === "#000000" ? theme.text : theme.onPrimary
        font.pixelSize: 34 * u * theme.textScale
    }

    Row {
        id: switches
        anchors { right: parent.right; rightMargin: 40 * u; verticalCenter: parent.verticalCenter }
        spacing: 20 * u
        KioskButton {
            objectName: "mode.largeText"
            width: 150 * u; height: 100 * u
            u: parent.parent.u
            secondary: !vm.largeText
            labelSize: 40
            label: "A+"
            onClicked: vm.toggleLargeText()
        }
        KioskButton {
            objectName: "mode.highContrast"
            width: 150 * u; height: 100 * u
            u: parent.parent.u
            secondary: !vm.highContrast
            labelSize: 40
            label: "◐"
            onClicked: vm.toggleHighContrast()
        }
        KioskButton {
            objectName: "lang.toggle"
            width: 240 * u; height: 100 * u
            u: parent.parent.u
            secondary: true
            label: vm.language === "zh_CN" ? "English" : "中文"
            onClicked: vm.setLanguage(vm.language === "zh_CN" ? "en" : "zh_CN")
        }
    }
}
