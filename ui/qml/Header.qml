import QtQuick

// Top bar: the kiosk's name and the language switch, on every screen but the attract screen.
Rectangle {
    property real u: 1
    color: "#0B5CAD"

    Text {
        anchors { left: parent.left; leftMargin: 48 * u; verticalCenter: parent.verticalCenter }
        text: vm.kioskName
        color: "white"
        font.pixelSize: 44 * u
        font.bold: true
    }

    KioskButton {
        objectName: "lang.toggle"
        anchors { right: parent.right; rightMargin: 40 * u; verticalCenter: parent.verticalCenter }
        width: 260 * u; height: 88 * u
        u: parent.u
        secondary: true
        label: vm.language === "zh_CN" ? "English" : "中文"
        onClicked: vm.setLanguage(vm.language === "zh_CN" ? "en" : "zh_CN")
    }
}
