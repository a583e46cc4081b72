import QtQuick

// The last lines of a result screen: what the customer must not leave behind, as the journey
// used it — the new SIM card, their ID card, their bank card, the receipt or voucher.
Column {
    id: things
    objectName: "take.things"
    property real u: 1
    property var items: []  // of "sim", "idcard", "bankcard", "receipt", "voucher"
    visible: items.length > 0
    spacing: 14 * u

    function label(item) {
        void vm.language
        switch (item) {
        case "sim": return qsTr("your new SIM card")
        case "idcard": return qsTr("your ID card")
        case "bankcard": return qsTr("your bank card")
        case "receipt": return qsTr("your receipt")
        case "voucher": return qsTr("your voucher")
        default: return item
        }
    }

    Text {
        width: parent.width
        horizontalAlignment: Text.AlignHCenter
        wrapMode: Text.WordWrap
        text: qsTr("Before you go, please take:")
        font.pixelSize: 38 * things.u * theme.textScale
        font.bold: true
        color: theme.text
    }
    Grid {
        id: chips
        anchors.horizontalCenter: parent.horizontalCenter
        columns: Math.max(1, Math.min(things.items.length, Window.height > Window.width ? 2 : 4))
        spacing: 16 * things.u
        Repeater {
            id: repeater
            model: things.items
            Rectangle {
                required property string modelData
                objectName: "take." + modelData
                width: Math.min(chipText.implicitWidth + 48 * things.u, things.width / chips.columns - chips.spacing)
                height: chipText.height + 24 * things.u
                radius: height / 2
                color: theme.surface
                border.color: theme.primary
                border.width: 3 * things.u
                Text {
                    id: chipText
                    anchors.centerIn: parent
                    width: Math.min(implicitWidth, parent.width - 48 * things.u)
                    horizontalAlignment: Text.AlignHCenter
                    wrapMode: Text.WordWrap
                    text: things.label(parent.modelData)
                    font.pixelSize: 36 * things.u * theme.textScale
                    font.bold: true
                    color: theme.primary
                }
            }
        }
    }
}
