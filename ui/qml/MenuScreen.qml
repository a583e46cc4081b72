import QtQuick

// Service menu: one large button per service this kiosk offers.
Item {
    id: screen
    objectName: "screen.menu"
    readonly property real u: Math.min(Window.width / 1920, Window.height / 1080)
    Texts { id: texts }

    Column {
        anchors.centerIn: parent
        spacing: 48 * screen.u
        Text {
            anchors.horizontalCenter: parent.horizontalCenter
            text: qsTr("Choose a service")
            font.pixelSize: 64 * screen.u
            font.bold: true
            color: "#1B2A3A"
        }
        KioskButton {
            objectName: "menu.topup"
            anchors.horizontalCenter: parent.horizontalCenter
            width: 760 * screen.u; height: 300 * screen.u
            u: screen.u
            enabled: vm.topupAvailable
            label: qsTr("Top up")
            sublabel: vm.topupAvailable ? qsTr("Pay cash to any mobile number")
                                        : texts.message(vm.topupReason)
            onClicked: vm.chooseTopUp()
        }
        Text {
            objectName: "menu.topup.warning"
            anchors.horizontalCenter: parent.horizontalCenter
            visible: vm.topupAvailable && vm.topupWarning !== ""
            text: texts.message(vm.topupWarning)
            font.pixelSize: 36 * screen.u
            color: "#9A6700"
        }
    }
}
