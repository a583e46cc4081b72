import QtQuick

// A large touch target (at least 15 mm on a 21.5" screen) with one clear label; one tap, no
// double-tap or long-press. Colours and text size follow the theme (high contrast, large text).
Rectangle {
    id: button
    property real u: 1
    property string label: ""
    property string sublabel: ""
    property bool secondary: false
    property real labelSize: 44
    signal clicked()

    implicitWidth: 320 * u
    implicitHeight: 110 * u
    radius: 16 * u
    color: !enabled ? theme.disabled : (area.pressed ? Qt.darker(base, 1.2) : base)
    readonly property color base: secondary ? theme.surface : theme.primary
    border.color: secondary ? theme.primary : "transparent"
    border.width: secondary ? 3 * u : 0

    Column {
        anchors.centerIn: parent
        width: parent.width - 24 * button.u
        spacing: 6 * button.u
        Text {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            elide: Text.ElideRight
            text: button.label
            color: !button.enabled ? theme.onDisabled : (button.secondary ? theme.primary : theme.onPrimary)
            font.pixelSize: button.labelSize * button.u * theme.textScale
            font.bold: true
        }
        Text {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            maximumLineCount: 2
            elide: Text.ElideRight
            visible: button.sublabel !== ""
            text: button.sublabel
            color: !button.enabled ? theme.onDisabled : (button.secondary ? theme.muted : theme.onPrimary)
            font.pixelSize: 28 * button.u * theme.textScale
        }
    }

    MouseArea {
        id: area
        anchors.fill: parent
        enabled: button.enabled
        onClicked: button.clicked()
        // A quick second tap on the same spot is a double-click to Qt; to a customer it is
        // two taps (two digits on the keypad).
        onDoubleClicked: button.clicked()
    }
}
