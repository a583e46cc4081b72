import QtQuick

// Service menu: one large button per service this kiosk offers; a service that cannot run now
// is greyed out and says why, one that runs without a receipt says so. The tiles fill the
// screen's own area, as many columns as its width takes; more rows than fit scroll.
ScreenPage {
    id: screen
    objectName: "screen.menu"
    designWidth: portrait ? 1080 : 1920
    Texts { id: texts }

    Column {
        id: column
        anchors.centerIn: parent
        width: parent.width - 2 * 48 * screen.u
        spacing: 28 * screen.u
        Text {
            objectName: "menu.title"
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: qsTr("Choose a service")
            font.pixelSize: 64 * screen.u * theme.textScale
            font.bold: true
            color: theme.text
        }
        Prompt {
            objectName: "menu.message"
            width: parent.width
            u: screen.u
            visible: vm.messageKey !== ""
            error: true
        }
        Grid {
            id: grid
            readonly property int count: vm.services.length
            columns: screen.portrait ? 2 : (count > 6 ? 4 : 3)
            spacing: 24 * screen.u
            readonly property real tileWidth: (column.width - (columns - 1) * spacing) / columns
            Repeater {
                model: vm.services
                Column {
                    required property var modelData
                    width: grid.tileWidth
                    spacing: 8 * screen.u
                    KioskButton {
                        objectName: "menu." + modelData.key
                        width: parent.width
                        height: (screen.portrait ? 240 : 180) * screen.u * Math.max(1, theme.textScale * 0.85)
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
