import QtQuick

// Bottom bar: Back on the left, Cancel on the right — always in the same place.
Rectangle {
    property real u: 1
    color: "#E3E9F2"

    KioskButton {
        objectName: "nav.back"
        anchors { left: parent.left; leftMargin: 48 * u; verticalCenter: parent.verticalCenter }
        width: 320 * u; height: 110 * u
        u: parent.u
        secondary: true
        enabled: vm.screen !== "result" && vm.canCancel
        label: qsTr("‹ Back")
        onClicked: vm.back()
    }

    KioskButton {
        objectName: "nav.cancel"
        anchors { right: parent.right; rightMargin: 48 * u; verticalCenter: parent.verticalCenter }
        width: 320 * u; height: 110 * u
        u: parent.u
        secondary: true
        enabled: vm.screen === "result" || vm.canCancel
        label: vm.screen === "result" ? qsTr("Finish") : qsTr("Cancel")
        onClicked: vm.screen === "result" ? vm.home() : vm.cancel()
    }
}
