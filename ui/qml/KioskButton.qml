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

    // The label (and the one-line hint under it) fit the button: long words wrap onto a second
    // line and, only if that is not enough, the text gets smaller — never cut off ("Engl…").
    readonly property real inset: 12 * u
    readonly property real labelArea: sublabel !== "" ? (height - 2 * inset) * 0.5 : height - 2 * inset
    Text {
        id: labelText
        x: button.inset; y: button.inset
        width: button.width - 2 * button.inset
        height: button.labelArea
        horizontalAlignment: Text.AlignHCenter
        verticalAlignment: button.sublabel !== "" ? Text.AlignBottom : Text.AlignVCenter
        wrapMode: Text.WordWrap
        maximumLineCount: 2
        fontSizeMode: Text.Fit
        minimumPixelSize: Math.max(12, button.labelSize * button.u * 0.5)
        text: button.label
        color: !button.enabled ? theme.onDisabled : (button.secondary ? theme.primary : theme.onPrimary)
        font.pixelSize: button.labelSize * button.u * theme.textScale
        font.bold: true
    }
    Text {
        x: button.inset; y: button.inset + button.labelArea + 6 * button.u
        width: button.width - 2 * button.inset
        height: button.height - y - button.inset
        horizontalAlignment: Text.AlignHCenter
        verticalAlignment: Text.AlignTop
        wrapMode: Text.WordWrap
        maximumLineCount: 3
        fontSizeMode: Text.Fit
        minimumPixelSize: Math.max(12, 14 * button.u)
        visible: button.sublabel !== ""
        text: button.sublabel
        color: !button.enabled ? theme.onDisabled : (button.secondary ? theme.muted : theme.onPrimary)
        font.pixelSize: 28 * button.u * theme.textScale
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
