import QtQuick

// The strip under a scrolling area that says there is more to see: shown only while the
// content is taller than the area, greyed once the customer has reached the end.
Rectangle {
    id: hint
    objectName: "scroll.hint"
    property Flickable flickable
    readonly property QtObject target: flickable  // for the geometry check (tests/ui/geometry.py)
    property real u: 1
    // A Flickable whose height follows the hint's must say so from elsewhere (ScreenPage).
    property bool overflowing: flickable !== null
                                        && flickable.contentHeight > flickable.height + 1
    readonly property bool atEnd: flickable !== null
                                  && flickable.contentY + flickable.height >= flickable.contentHeight - 2
    // true: the strip keeps its room when hidden, so the Flickable above it keeps its height
    // (a list anchored to it would otherwise grow and shrink with the hint, in a loop)
    property bool keepsRoom: false
    visible: overflowing
    height: visible || keepsRoom ? label.implicitHeight + 20 * u : 0
    color: theme.bar

    Text {
        id: label
        anchors.centerIn: parent
        width: parent.width - 40 * hint.u
        horizontalAlignment: Text.AlignHCenter
        wrapMode: Text.WordWrap
        text: hint.atEnd ? qsTr("▲ Swipe down to see the top")
                         : qsTr("▼ More below: swipe up to see it")
        font.pixelSize: 30 * hint.u * theme.textScale
        font.bold: true
        color: theme.primary
    }
    // A thin bar on the right edge of the area: where the customer is in the whole.
    Rectangle {
        parent: hint.flickable
        visible: hint.overflowing
        anchors.right: parent ? parent.right : undefined
        width: 8 * hint.u
        radius: width / 2
        color: theme.muted
        opacity: 0.6
        y: hint.flickable ? hint.flickable.visibleArea.yPosition * hint.flickable.height : 0
        height: hint.flickable ? hint.flickable.visibleArea.heightRatio * hint.flickable.height : 0
    }
}
