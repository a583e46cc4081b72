import QtQuick
import ".."

// Cash box: notes per denomination, the total and how full the box is; "Collect cash" asks to
// confirm, then the counts go to zero and the collection slip prints.
ScreenPage {
    id: screen
    designWidth: portrait ? 1080 : 1920  // portrait: its own arrangement, at full size
    objectName: "screen.maintenance.cash"

    Prompt {
        id: prompt
        objectName: "maintenance.cash.message"
        anchors { top: parent.top; topMargin: 24 * screen.u; horizontalCenter: parent.horizontalCenter }
        width: parent.width - 96 * screen.u
        u: screen.u
    }

    Grid {
        anchors { top: prompt.bottom; topMargin: 36 * screen.u; horizontalCenter: parent.horizontalCenter }
        columns: screen.portrait ? 1 : 2
        spacing: 60 * screen.u

        // What the box holds (or, after a collection, what was taken out).
        Rectangle {
            width: 860 * screen.u
            height: table.height + 48 * screen.u
            radius: 16 * screen.u
            color: theme.surface
            border.color: theme.border
            border.width: 2 * screen.u
            Column {
                id: table
                anchors { top: parent.top; topMargin: 24 * screen.u; horizontalCenter: parent.horizontalCenter }
                width: parent.width - 64 * screen.u
                spacing: 12 * screen.u
                readonly property var rows: maintenance.collectionDone ? maintenance.collectedRows
                                                                       : maintenance.cashRows
                Text {
                    text: maintenance.collectionDone ? qsTr("Collected") : qsTr("In the cash box")
                    font.pixelSize: 40 * screen.u * theme.textScale
                    font.bold: true
                    color: theme.text
                }
                Text {
                    visible: table.rows.length === 0
                    text: qsTr("No notes")
                    font.pixelSize: 36 * screen.u * theme.textScale
                    color: theme.muted
                }
                Repeater {
                    model: table.rows
                    Row {
                        required property var modelData
                        objectName: "maintenance.cash.row." + modelData.denomination
                        spacing: 0
                        Text {
                            width: table.width * 0.35
                            text: modelData.denomination
                            font.pixelSize: 38 * screen.u * theme.textScale
                            color: theme.text
                        }
                        Text {
                            width: table.width * 0.25
                            horizontalAlignment: Text.AlignRight
                            text: "× " + modelData.count
                            font.pixelSize: 38 * screen.u * theme.textScale
                            color: theme.text
                        }
                        Text {
                            width: table.width * 0.40
                            horizontalAlignment: Text.AlignRight
                            text: modelData.subtotal
                            font.pixelSize: 38 * screen.u * theme.textScale
                            color: theme.text
                        }
                    }
                }
                Rectangle { width: table.width; height: 2 * screen.u; color: theme.border }
                Text {
                    objectName: "maintenance.cash.total"
                    width: table.width
                    horizontalAlignment: Text.AlignRight
                    text: maintenance.collectionDone ? maintenance.collectedTotal : maintenance.cashTotal
                    font.pixelSize: 64 * screen.u * theme.textScale
                    font.bold: true
                    color: theme.success
                }
            }
        }

        Column {
            width: 700 * screen.u
            spacing: 24 * screen.u
            Text {
                objectName: "maintenance.cash.notes"
                width: parent.width
                wrapMode: Text.WordWrap
                text: qsTr("%1 of %2 notes").arg(maintenance.cashNotes).arg(maintenance.cashCapacity)
                font.pixelSize: 40 * screen.u * theme.textScale
                color: theme.text
            }
            Rectangle {
                objectName: "maintenance.cash.fullness"
                width: parent.width; height: 48 * screen.u
                radius: 8 * screen.u
                color: theme.bar
                border.color: theme.border
                border.width: 2 * screen.u
                Rectangle {
                    width: parent.width * maintenance.cashFullness; height: parent.height
                    radius: parent.radius
                    color: maintenance.cashFullness >= 0.9 ? theme.error
                         : maintenance.cashFullness >= 0.7 ? theme.warning : theme.success
                }
            }
            Text {
                width: parent.width
                wrapMode: Text.WordWrap
                text: maintenance.lastCollected === "" ? qsTr("Never collected")
                      : qsTr("Last collected: %1").arg(maintenance.lastCollected)
                font.pixelSize: 32 * screen.u * theme.textScale
                color: theme.muted
            }
            Text {
                objectName: "maintenance.cash.slip"
                width: parent.width
                wrapMode: Text.WordWrap
                visible: maintenance.slipState !== ""
                text: maintenance.slipState === "printed" ? qsTr("Slip printed")
                                                          : qsTr("The slip did not print")
                font.pixelSize: 36 * screen.u * theme.textScale
                font.bold: true
                color: maintenance.slipState === "printed" ? theme.success : theme.error
            }
            KioskButton {
                objectName: "maintenance.cash.collect"
                width: parent.width; height: 130 * screen.u
                u: screen.u
                enabled: !vm.busy && !maintenance.confirmingCollect
                label: qsTr("Collect cash")
                onClicked: maintenance.collectCash()
            }
            KioskButton {
                objectName: "maintenance.cash.reprint"
                width: parent.width; height: 110 * screen.u
                u: screen.u
                secondary: true
                enabled: !vm.busy
                label: qsTr("Reprint slip")
                onClicked: maintenance.reprintSlip()
            }
        }
    }

    // Confirmation: emptying the box cannot be undone.
    Rectangle {
        objectName: "maintenance.cash.confirmPanel"
        anchors.fill: parent
        visible: maintenance.confirmingCollect
        color: "#99000000"
        MouseArea { anchors.fill: parent }
        Rectangle {
            anchors.centerIn: parent
            width: Math.min(parent.width - 64 * screen.u, 1100 * screen.u)
            height: confirmColumn.height + 80 * screen.u
            radius: 24 * screen.u
            color: theme.surface
            Column {
                id: confirmColumn
                anchors.centerIn: parent
                width: parent.width - 80 * screen.u
                spacing: 36 * screen.u
                Text {
                    width: parent.width
                    wrapMode: Text.WordWrap
                    horizontalAlignment: Text.AlignHCenter
                    text: qsTr("Collect %1 (%n note(s)) now?", "", maintenance.cashNotes).arg(maintenance.cashTotal)
                    font.pixelSize: 48 * screen.u * theme.textScale
                    font.bold: true
                    color: theme.text
                }
                Text {
                    width: parent.width
                    wrapMode: Text.WordWrap
                    horizontalAlignment: Text.AlignHCenter
                    text: qsTr("The counts go to zero and a slip prints. Take the slip with the cash.")
                    font.pixelSize: 36 * screen.u * theme.textScale
                    color: theme.muted
                }
                Row {
                    anchors.horizontalCenter: parent.horizontalCenter
                    spacing: 40 * screen.u
                    KioskButton {
                        objectName: "maintenance.cash.keep"
                        width: 420 * screen.u; height: 130 * screen.u
                        u: screen.u
                        secondary: true
                        label: qsTr("No, keep it")
                        onClicked: maintenance.keepCash()
                    }
                    KioskButton {
                        objectName: "maintenance.cash.confirm"
                        width: 420 * screen.u; height: 130 * screen.u
                        u: screen.u
                        enabled: !vm.busy
                        label: qsTr("Yes, collect")
                        onClicked: maintenance.confirmCollect()
                    }
                }
            }
        }
    }
}
