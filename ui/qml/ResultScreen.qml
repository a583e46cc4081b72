import QtQuick

// Result: what was paid, whether central confirmed it, and whether the receipt printed.
Item {
    id: screen
    objectName: "screen.result"
    readonly property real u: Math.min(Window.width / 1920, Window.height / 1080)
    Texts { id: texts }

    Column {
        anchors.centerIn: parent
        spacing: 30 * screen.u
        Text {
            anchors.horizontalCenter: parent.horizontalCenter
            text: "✓"
            font.pixelSize: 160 * screen.u
            color: "#1E8E3E"
        }
        Text {
            objectName: "result.message"
            anchors.horizontalCenter: parent.horizontalCenter
            text: texts.message(vm.messageKey)
            font.pixelSize: 52 * screen.u
            font.bold: true
            color: "#1B2A3A"
        }
        Text {
            objectName: "result.amount"
            anchors.horizontalCenter: parent.horizontalCenter
            text: qsTr("%1 to %2").arg(vm.creditedText).arg(vm.numberDisplay)
            font.pixelSize: 64 * screen.u
            color: "#1B2A3A"
        }
        Text {
            anchors.horizontalCenter: parent.horizontalCenter
            text: vm.creditedOnline ? qsTr("Credited to the account")
                                    : qsTr("Accepted — it will be credited shortly")
            font.pixelSize: 40 * screen.u
            color: vm.creditedOnline ? "#1E8E3E" : "#9A6700"
        }
        Text {
            anchors.horizontalCenter: parent.horizontalCenter
            text: qsTr("Reference: %1").arg(vm.txnRef)
            font.pixelSize: 30 * screen.u
            color: "#5A6B80"
        }
    }
}
