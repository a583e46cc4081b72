import QtQuick

// Service menu: one large button per service this kiosk offers; a service that cannot run now
// is greyed out and says why, one that runs without a receipt says so.
Item {
    id: screen
    objectName: "screen.menu"
    readonly property real u: Math.min(Window.width / 1920, Window.height / 1080)
    readonly property bool portrait: Window.height > Window.width
    Texts { id: texts }

    Column {
        anchors.centerIn: parent
        spacing: 40 * screen.u
        Text {
            anchors.horizontalCenter: parent.horizontalCenter
            text: qsTr("Choose a service")
            font.pixelSize: 64 * screen.u * theme.textScale
            font.bold: true
            color: theme.text
        }
        Prompt {
            objectName: "menu.message"
            anchors.horizontalCenter: parent.horizontalCenter
            width: grid.width
            u: screen.u
            visible: vm.messageKey !== ""
            error: true
        }
        Grid {
            id: grid
            anchors.horizontalCenter: parent.horizontalCenter
            columns: screen.portrait ? 2 : (vm.services.length > 6 ? 4 : 3)
            spacing: 32 * screen.u
            Repeater {
                model: vm.services
                Column {
                    required property var modelData
                    spacing: 8 * screen.u
                    KioskButton {
                        objectName: "menu." + modelData.key
                        width: (screen.portrait ? 820 : 400) * screen.u
                        height: 250 * screen.u
                        u: screen.u
                        enabled: modelData.available
                        label: texts.serviceLabel(modelData.key)
                        sublabel: modelData.available ? texts.serviceHint(modelData.key)
                                                      : texts.message(modelData.reason)
                        onClicked: vm.startService(modelData.key)
                    }
                    Text {
                        objectName: "menu." + modelData.key + ".warning"
                        width: parent.width
                        horizontalAlignment: Text.AlignHCenter
                        wrapMode: Text.WordWrap
                        visible: modelData.available && modelData.warning !== ""
                        text: texts.message(modelData.warning)
                        font.pixelSize: 28 * screen.u * theme.textScale
                        color: theme.warning
                    }
                }
            }
        }
    }
}
