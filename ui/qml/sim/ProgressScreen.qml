import QtQuick
import ".."

// The card's journey: data prepared, the SIM written and checked, handed out — each ticked as
// it is done. Nothing to tap: the machine is working.
ScreenPage {
    id: screen
    designWidth: portrait ? 1080 : 1920  // portrait: its own arrangement, at full size
    objectName: "screen.sim.progress"

    Column {
        anchors.centerIn: parent
        spacing: 50 * screen.u

        Prompt {
            objectName: "sim.progress.prompt"
            anchors.horizontalCenter: parent.horizontalCenter
            width: Math.min(1400 * screen.u, screen.width - 96 * screen.u)
            u: screen.u
        }

        Column {
            anchors.horizontalCenter: parent.horizontalCenter
            spacing: 30 * screen.u
            Repeater {
                model: 3
                Row {
                    id: row
                    required property int index
                    objectName: "sim.step." + index
                    readonly property bool done: sim.step > index
                    readonly property bool current: sim.step === index
                    spacing: 30 * screen.u
                    Rectangle {
                        width: 100 * screen.u; height: 100 * screen.u
                        radius: width / 2
                        color: row.done ? theme.success : (row.current ? theme.surface : "transparent")
                        border.color: row.done ? theme.success : (row.current ? theme.primary : theme.border)
                        border.width: 5 * screen.u
                        Text {
                            anchors.centerIn: parent
                            text: row.done ? "✓" : (row.index + 1)
                            font.pixelSize: 52 * screen.u * theme.textScale
                            font.bold: true
                            color: row.done ? theme.onPrimary : (row.current ? theme.primary : theme.border)
                        }
                        Rectangle {  // a turning mark on the step under way
                            visible: row.current
                            anchors.fill: parent
                            radius: width / 2
                            color: "transparent"
                            border.color: theme.primary
                            border.width: 5 * screen.u
                            opacity: 0.5
                            SequentialAnimation on scale {
                                running: row.current
                                loops: Animation.Infinite
                                NumberAnimation { from: 1.0; to: 1.25; duration: 700 }
                                NumberAnimation { from: 1.25; to: 1.0; duration: 700 }
                            }
                        }
                    }
                    Text {
                        objectName: "sim.step.text." + row.index
                        anchors.verticalCenter: parent.verticalCenter
                        width: Math.min(900 * screen.u, screen.width - 96 * screen.u - 140 * screen.u)
                        wrapMode: Text.WordWrap
                        text: row.index === 0 ? qsTr("Preparing your card's data")
                            : row.index === 1 ? qsTr("Writing and checking the SIM card")
                            : qsTr("Handing out the SIM card")
                        font.pixelSize: 48 * screen.u * theme.textScale
                        font.bold: row.current
                        color: row.done || row.current ? theme.text : theme.muted
                    }
                }
            }
        }

        Text {
            width: Math.min(implicitWidth, screen.width - 96 * screen.u)
            wrapMode: Text.WordWrap
            horizontalAlignment: Text.AlignHCenter
            anchors.horizontalCenter: parent.horizontalCenter
            text: qsTr("This takes about a minute. Please stay here.")
            font.pixelSize: 36 * screen.u * theme.textScale
            color: theme.muted
        }
    }
}
