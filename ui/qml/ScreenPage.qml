import QtQuick

// A screen's own area, between the header and the footer: every screen lays itself out in it,
// not in the window. Its design unit `u` is the window's (so text keeps its size from screen to
// screen) unless the area is narrower than the layout needs (`designWidth`, in design units).
// What is taller than the area scrolls inside a clipping Flickable, with a hint under it that
// says there is more; nothing spills over the header or under the footer.
Item {
    id: page
    property real designWidth: 1920
    property real margin: 24 * u
    // false: the screen fills its area and scrolls its own list (with its own ScrollHint)
    property bool scrolls: true
    readonly property bool portrait: Window.height > Window.width
    readonly property real windowU: portrait ? Math.min(Window.width / 1080, Window.height / 1920)
                                             : Math.min(Window.width / 1920, Window.height / 1080)
    readonly property real u: width > 0 ? Math.min(windowU, width / designWidth) : windowU
    readonly property alias flickable: flick
    default property alias content: body.data

    // How tall the body must be for every child to show: a child that fills it needs what it
    // needs itself (its implicit height); any other, its own height and the margins (a child
    // is centred in the body, or anchored to one of its edges: never both top and bottom).
    function extent() {
        var needed = 0
        for (var i = 0; i < body.children.length; ++i) {
            var child = body.children[i]
            if (child.visible)
                needed = Math.max(needed, child.anchors.fill ? child.implicitHeight
                                                             : child.height + 2 * margin)
        }
        return needed
    }

    Flickable {
        id: flick
        objectName: "page.scroll"
        anchors { left: parent.left; right: parent.right; top: parent.top; bottom: hint.top }
        clip: true
        contentWidth: width
        contentHeight: body.height
        interactive: contentHeight > height + 1
        boundsBehavior: Flickable.StopAtBounds

        Item {
            id: body
            width: flick.width
            height: page.scrolls ? Math.max(flick.height, page.extent()) : flick.height
        }
    }

    ScrollHint {
        id: hint
        anchors { left: parent.left; right: parent.right; bottom: parent.bottom }
        flickable: flick
        u: page.u
        // From the page's own height, not the Flickable's (which gives the hint its room).
        overflowing: page.scrolls && page.extent() > page.height + 1
    }
}
