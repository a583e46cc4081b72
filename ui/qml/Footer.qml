import QtQuick

// Bottom bar: Back on the left, Cancel (or Finish on a result screen) on the right — always in
// the same place, on every screen. What they do is the current feature's decision.
Rectangle {
    property real u: 1
    color: theme.bar

    KioskButton {
        objectName: "nav.back"
        anchors { left: parent.left; leftMargin: 48 * u; verticalCenter: parent.verticalCenter }
        width: 320 * u; height: 110 * u
        u: parent.u
        secondary: true
        enabled: !vm.finishing && vm.canBack && !vm.busy
        label: qsTr("‹ Back")
        onClicked: vm.back()
    }

    KioskButton {
        objectName: "nav.cancel"
        anchors { right: parent.right; rightMargin: 48 * u; verticalCenter: parent.verticalCenter }
        width: 320 * u; height: 110 * u
        u: parent.u
        secondary: true
        enabled: vm.finishing || (vm.canCancel && !vm.busy)
        label: vm.finishing ? qsTr("Finish") : qsTr("Cancel")
        onClicked: vm.cancel()
    }
}
