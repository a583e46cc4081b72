import QtQuick
import ".."

// The outbox toward central: how many items wait and for how long, whether central answers,
// "Sync now", and the dead letters (items central refused for good) with Retry and Discard —
// a discard needs a reason, which the core journals.
ScreenPage {
    id: screen
    designWidth: portrait ? 1080 : 1920  // portrait: its own arrangement, at full size
    scrolls: false
    objectName: "screen.maintenance.queue"
    MaintenanceTexts { id: mt }

    Prompt {
        id: prompt
        objectName: "maintenance.queue.message"
        anchors { top: parent.top; topMargin: 24 * screen.u; horizontalCenter: parent.horizontalCenter }
        width: parent.width - 96 * screen.u
        u: screen.u
    }

    Grid {
        id: figures
        anchors { top: prompt.bottom; topMargin: 24 * screen.u; horizontalCenter: parent.horizontalCenter }
        columns: screen.portrait ? 2 : 5
        spacing: 24 * screen.u
        Repeater {
            model: [
                { key: "pending", label: qsTr("Waiting"), value: "" + maintenance.queuePending },
                { key: "oldest", label: qsTr("Oldest waiting"),
                  value: maintenance.queueOldest === "" ? "–" : maintenance.queueOldest },
                { key: "acked", label: qsTr("Delivered"), value: "" + maintenance.queueAcked },
                { key: "dead", label: qsTr("Dead letters"), value: "" + maintenance.queueDead },
                { key: "online", label: qsTr("Central"),
                  value: maintenance.online ? qsTr("Online") : qsTr("Offline") }
            ]
            Rectangle {
                required property var modelData
                width: 300 * screen.u; height: Math.max(150 * screen.u, children[0].height + 24 * screen.u)  // its content, centred
                radius: 14 * screen.u
                color: theme.surface
                border.color: theme.border
                border.width: 2 * screen.u
                Column {
                    anchors.centerIn: parent
                    spacing: 6 * screen.u
                    Text {
                        anchors.horizontalCenter: parent.horizontalCenter
                        width: 276 * screen.u
                        horizontalAlignment: Text.AlignHCenter
                        wrapMode: Text.WordWrap
                        text: modelData.label
                        font.pixelSize: 30 * screen.u * theme.textScale
                        color: theme.muted
                    }
                    Text {
                        objectName: "maintenance.queue." + modelData.key
                        anchors.horizontalCenter: parent.horizontalCenter
                        text: modelData.value
                        font.pixelSize: 52 * screen.u * theme.textScale
                        font.bold: true
                        color: theme.text
                    }
                }
            }
        }
    }

    Row {
        id: actions
        anchors { top: figures.bottom; topMargin: 24 * screen.u; horizontalCenter: parent.horizontalCenter }
        spacing: 32 * screen.u
        KioskButton {
            objectName: "maintenance.queue.sync"
            width: 420 * screen.u; height: 110 * screen.u
            u: screen.u
            enabled: !vm.busy
            label: qsTr("Sync now")
            onClicked: maintenance.syncNow()
        }
        KioskButton {
            objectName: "maintenance.queue.refresh"
            width: 420 * screen.u; height: 110 * screen.u
            u: screen.u
            secondary: true
            enabled: !vm.busy
            label: qsTr("Refresh")
            onClicked: maintenance.refresh()
        }
    }

    Text {
        anchors.centerIn: list
        visible: maintenance.deadLetters.length === 0
        text: qsTr("No dead letters")
        font.pixelSize: 40 * screen.u * theme.textScale
        color: theme.muted
    }

    ListView {
        id: list
        objectName: "maintenance.dead.list"
        anchors {
            top: actions.bottom; topMargin: 24 * screen.u
            bottom: deadHint.top; bottomMargin: 8 * screen.u
            horizontalCenter: parent.horizontalCenter
        }
        width: Math.min(parent.width - 96 * screen.u, 1700 * screen.u)
        clip: true
        spacing: 16 * screen.u
        boundsBehavior: Flickable.StopAtBounds
        model: maintenance.deadLetters
        delegate: Rectangle {
            required property var modelData
            objectName: "maintenance.dead." + modelData.key
            width: list.width
            height: Math.max((screen.portrait ? 300 : 150) * screen.u, children[0].height + 24 * screen.u)
            radius: 14 * screen.u
            color: theme.surface
            border.color: theme.error
            border.width: 2 * screen.u
            Column {
                anchors { left: parent.left; leftMargin: 28 * screen.u; verticalCenter: parent.verticalCenter }
                width: parent.width - (screen.portrait ? 420 : 760) * screen.u
                spacing: 6 * screen.u
                Text {
                    width: parent.width
                    fontSizeMode: Text.HorizontalFit  // smaller rather than cut off
                    minimumPixelSize: 16
                    elide: Text.ElideMiddle
                    text: modelData.kind + " · " + modelData.key
                    font.pixelSize: 34 * screen.u * theme.textScale
                    font.bold: true
                    color: theme.text
                }
                Text {
                    objectName: "maintenance.dead." + modelData.key + ".error"
                    width: parent.width
                    wrapMode: Text.WordWrap
                    maximumLineCount: 3
                    elide: Text.ElideRight
                    text: qsTr("%n attempt(s) · %1 ago · %2", "", modelData.attempts)
                          .arg(modelData.age).arg(mt.refusal(modelData.error))
                    font.pixelSize: 28 * screen.u * theme.textScale
                    color: theme.error
                }
            }
            Grid {
                anchors { right: parent.right; rightMargin: 20 * screen.u; verticalCenter: parent.verticalCenter }
                columns: screen.portrait ? 1 : 2
                spacing: 20 * screen.u
                KioskButton {
                    objectName: "maintenance.dead." + modelData.key + ".retry"
                    width: 340 * screen.u; height: 110 * screen.u
                    u: screen.u
                    enabled: !vm.busy
                    label: qsTr("Retry")
                    onClicked: maintenance.retryDeadLetter(modelData.key)
                }
                KioskButton {
                    objectName: "maintenance.dead." + modelData.key + ".discard"
                    width: 340 * screen.u; height: 110 * screen.u
                    u: screen.u
                    secondary: true
                    enabled: !vm.busy
                    label: qsTr("Discard…")
                    onClicked: maintenance.askDiscard(modelData.key)
                }
            }
        }
    }

    // Discarding gives an item up for good: the technician says why (journalled by the core).
    Rectangle {
        objectName: "maintenance.discard.panel"
        anchors.fill: parent
        visible: maintenance.discardKey !== ""
        color: "#99000000"
        MouseArea { anchors.fill: parent }
        Rectangle {
            anchors.centerIn: parent
            width: Math.min(parent.width - 64 * screen.u, 1200 * screen.u)
            height: reasons.height + 80 * screen.u
            radius: 24 * screen.u
            color: theme.surface
            Column {
                id: reasons
                anchors.centerIn: parent
                width: parent.width - 80 * screen.u
                spacing: 24 * screen.u
                Text {
                    width: parent.width
                    wrapMode: Text.WordWrap
                    horizontalAlignment: Text.AlignHCenter
                    text: qsTr("Give up %1 for good? Choose the reason.").arg(maintenance.discardKey)
                    font.pixelSize: 44 * screen.u * theme.textScale
                    font.bold: true
                    color: theme.text
                }
                Grid {
                    anchors.horizontalCenter: parent.horizontalCenter
                    columns: screen.portrait ? 1 : 2
                    spacing: 24 * screen.u
                    Repeater {
                        model: maintenance.discardReasons
                        KioskButton {
                            required property string modelData
                            objectName: "maintenance.discard." + modelData
                            width: 520 * screen.u; height: 120 * screen.u
                            u: screen.u
                            labelSize: 38
                            enabled: !vm.busy
                            label: mt.discardReason(modelData)
                            onClicked: maintenance.discardDeadLetter(modelData)
                        }
                    }
                }
                KioskButton {
                    objectName: "maintenance.discard.keep"
                    anchors.horizontalCenter: parent.horizontalCenter
                    width: 520 * screen.u; height: 120 * screen.u
                    u: screen.u
                    secondary: true
                    label: qsTr("No, keep it")
                    onClicked: maintenance.keepDeadLetter()
                }
            }
        }
    }

    ScrollHint {
        id: deadHint
        anchors { left: list.left; right: list.right; bottom: parent.bottom; bottomMargin: 16 * screen.u }
        flickable: list
        keepsRoom: true
        u: screen.u
    }
}
