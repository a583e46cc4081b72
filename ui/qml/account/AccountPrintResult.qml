import QtQuick
import ".."

// What became of the last print: printing, printed (take it), or why nothing came out.
Rectangle {
    id: banner
    property real u: 1
    objectName: "account.printResult"
    visible: account.printState !== ""
    height: visible ? Math.max(70 * u, label.implicitHeight + 24 * u) : 0
    radius: 12 * u
    color: theme.surface
    border.width: 3 * u
    border.color: account.printState === "failed" ? theme.error
                 : account.printState === "printed" ? theme.success : theme.border
    Texts { id: texts }

    Text {
        id: label
        objectName: "account.printResult.text"
        anchors { left: parent.left; right: parent.right; verticalCenter: parent.verticalCenter
                  margins: 16 * banner.u }
        wrapMode: Text.WordWrap
        horizontalAlignment: Text.AlignHCenter
        text: account.printMessageKey === "account.printed_records"
              ? qsTr("Records printed: %1. Please take them from the slot below the screen.")
                .arg(account.printedRecords)
              : texts.message(account.printMessageKey)
        font.pixelSize: 36 * banner.u * theme.textScale
        font.bold: account.printState !== "printing"
        color: account.printState === "failed" ? theme.error
              : account.printState === "printed" ? theme.success : theme.text
    }
}
