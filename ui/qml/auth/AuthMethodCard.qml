import QtQuick

// One way to log in: a picture, its name and one line about it; the whole card is one tap.
// `horizontal` puts the picture beside the text (portrait screens).
Rectangle {
    id: card
    property real u: 1
    property bool horizontal: false
    property string title: ""
    property string hint: ""
    default property alias picture: slot.data
    signal clicked()

    radius: 24 * u
    color: !enabled ? theme.disabled : (area.pressed ? theme.bar : theme.surface)
    border.color: enabled ? theme.primary : theme.border
    border.width: 5 * u
    // What the picture and words need: the screen makes the card at least this tall.
    readonly property real needed: layout.height + 48 * u

    Grid {
        id: layout
        anchors.centerIn: parent
        columns: card.horizontal ? 2 : 1
        spacing: 24 * card.u
        horizontalItemAlignment: Grid.AlignHCenter
        verticalItemAlignment: Grid.AlignVCenter

        Item {
            id: slot
            width: 330 * card.u; height: 330 * card.u
            opacity: card.enabled ? 1 : 0.4
        }
        Column {
            width: card.horizontal ? card.width - slot.width - 96 * card.u : card.width - 48 * card.u
            spacing: 12 * card.u
            Text {
                width: parent.width
                horizontalAlignment: card.horizontal ? Text.AlignLeft : Text.AlignHCenter
                wrapMode: Text.WordWrap
                text: card.title
                color: card.enabled ? theme.primary : theme.onDisabled
                font.pixelSize: 50 * card.u * theme.textScale
                font.bold: true
            }
            Text {
                width: parent.width
                horizontalAlignment: card.horizontal ? Text.AlignLeft : Text.AlignHCenter
                wrapMode: Text.WordWrap
                maximumLineCount: 3
                elide: Text.ElideRight
                text: card.hint
                color: card.enabled ? theme.muted : theme.onDisabled
                font.pixelSize: 32 * card.u * theme.textScale
            }
        }
    }

    MouseArea {
        id: area
        anchors.fill: parent
        enabled: card.enabled
        onClicked: card.clicked()
    }
}
