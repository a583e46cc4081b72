import QtQuick
import ".."

// Big Previous / Next buttons with "Page 2 of 7" between them (one tap turns one page).
Row {
    id: pager
    property real u: 1
    property string prefix: "account.page"
    property int page: 0
    property int pages: 0
    property bool canPrevious: false
    property bool canNext: false
    property real buttonWidth: 380
    // The width it may take (0: its own): buttons and label narrow to fit it (portrait).
    property real available: 0
    readonly property real scale: available > 0 ? Math.min(1, available / ((2 * buttonWidth + 420 + 60) * u)) : 1
    signal previous()
    signal next()
    spacing: 30 * u * scale

    KioskButton {
        objectName: pager.prefix + ".previous"
        width: pager.buttonWidth * pager.u * pager.scale; height: 110 * pager.u
        u: pager.u
        secondary: true
        enabled: pager.canPrevious && !vm.busy
        label: qsTr("‹ Previous")
        onClicked: pager.previous()
    }
    Text {
        objectName: pager.prefix + ".label"
        width: 420 * pager.u * pager.scale
        anchors.verticalCenter: parent.verticalCenter
        horizontalAlignment: Text.AlignHCenter
        wrapMode: Text.WordWrap
        text: pager.pages > 0 ? qsTr("Page %1 of %2").arg(pager.page).arg(pager.pages) : ""
        font.pixelSize: 40 * pager.u * theme.textScale
        font.bold: true
        color: theme.text
    }
    KioskButton {
        objectName: pager.prefix + ".next"
        width: pager.buttonWidth * pager.u * pager.scale; height: 110 * pager.u
        u: pager.u
        secondary: true
        enabled: pager.canNext && !vm.busy
        label: qsTr("Next ›")
        onClicked: pager.next()
    }
}
