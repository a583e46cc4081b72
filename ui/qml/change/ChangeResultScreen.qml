import QtQuick
import ".."

// Result: central applied the change; what the customer has now.
ScreenPage {
    id: screen
    designWidth: portrait ? 1080 : 1920  // portrait: its own arrangement, at full size
    objectName: "screen.change.result"
    readonly property bool en: vm.language === "en"
    readonly property var result: change.result
    readonly property string name: result.kind === undefined ? "" : (en ? result.nameEn : result.nameZh)

    Column {
        anchors.centerIn: parent
        width: Math.min(parent.width - 80 * screen.u, 1600 * screen.u)
        spacing: 30 * screen.u
        Text {
            anchors.horizontalCenter: parent.horizontalCenter
            text: "✓"
            font.pixelSize: 160 * screen.u * theme.textScale
            color: theme.success
        }
        Prompt {
            objectName: "change.result.message"
            width: parent.width
            u: screen.u * 1.05
            font.bold: true
        }
        Text {
            objectName: "change.result.detail"
            width: parent.width
            wrapMode: Text.WordWrap
            horizontalAlignment: Text.AlignHCenter
            text: screen.result.kind === "change.plan" ? qsTr("Your plan is now %1").arg(screen.name)
                  : screen.result.kind === undefined ? ""
                  : screen.result.on ? qsTr("%1 is now on").arg(screen.name)
                  : qsTr("%1 is now off").arg(screen.name)
            font.pixelSize: 56 * screen.u * theme.textScale
            color: theme.text
        }
        Text {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            text: qsTr("Reference: %1").arg(change.txnRef)
            font.pixelSize: 30 * screen.u * theme.textScale
            color: theme.muted
        }
    }
}
