import QtQuick
import ".."

// A bank card payment that follows the card terminal: the amount, three steps (card, PIN,
// bank) with the current one marked, a spinner while the terminal works, the outcome, and
// the one sentence of what to do next. Reusable by any payment (top-up, bill, SIM sale): bind
//   stage       "starting" | "waiting_for_card" | "pin_entry" | "authorising" | "cancelling"
//               | "approved" | "declined" | "cancelled" | "failed" | "in_doubt"
//   amountText  e.g. "¥50.00"
//   message     the sentence (texts.message(vm.messageKey)); "" shows the stage's own sentence
//   canRetry    shows "Try again" (no money moved), which emits retry()
// The customer's card and PIN never touch this software: the terminal takes them.
Column {
    id: card
    property real u: 1
    property string stage: ""
    property string amountText: ""
    property string message: ""
    property bool canRetry: false
    signal retry()

    readonly property bool active: ["starting", "waiting_for_card", "pin_entry", "authorising",
                                    "cancelling"].indexOf(stage) >= 0
    readonly property bool refused: ["declined", "cancelled", "failed"].indexOf(stage) >= 0
    readonly property int step: stage === "pin_entry" ? 2
                              : stage === "authorising" || stage === "in_doubt" ? 3
                              : stage === "approved" ? 4 : 1

    spacing: 24 * u

    function stageText(stage) {
        switch (stage) {
        case "waiting_for_card": return qsTr("Insert, tap or swipe your bank card on the card terminal")
        case "pin_entry": return qsTr("Enter your PIN on the card terminal")
        case "authorising": return qsTr("Waiting for your bank's approval…")
        case "cancelling": return qsTr("Stopping the payment on the card terminal…")
        case "approved": return qsTr("Payment approved. Please take your card.")
        case "declined":
        case "cancelled":
        case "failed": return qsTr("The card payment did not go through. No money was taken.")
        case "in_doubt": return qsTr("The bank's answer has not arrived. Do not pay again.")
        case "": return ""
        default: return qsTr("Follow the instructions on the card terminal")
        }
    }

    Text {
        width: Math.min(implicitWidth, Window.width - 96 * card.u)
        wrapMode: Text.WordWrap
        horizontalAlignment: Text.AlignHCenter
        objectName: "card.amount"
        anchors.horizontalCenter: parent.horizontalCenter
        text: qsTr("Amount to pay: %1").arg(card.amountText)
        font.pixelSize: 60 * card.u * theme.textScale
        font.bold: true
        color: theme.text
    }

    Row {
        anchors.horizontalCenter: parent.horizontalCenter
        spacing: 40 * card.u
        Repeater {
            model: [qsTr("Insert or tap your card"), qsTr("Enter your PIN"), qsTr("Bank approval")]
            Column {
                required property string modelData
                required property int index
                readonly property bool done: card.step > index + 1
                readonly property bool current: card.step === index + 1 && card.active
                objectName: "card.step." + (index + 1)
                width: 320 * card.u
                spacing: 14 * card.u
                Rectangle {
                    anchors.horizontalCenter: parent.horizontalCenter
                    width: 96 * card.u; height: width; radius: width / 2
                    color: parent.done ? theme.success : parent.current ? theme.primary : theme.surface
                    border.color: parent.done || parent.current ? "transparent" : theme.border
                    border.width: 3 * card.u
                    Text {
                        anchors.centerIn: parent
                        text: parent.parent.done ? "✓" : String(parent.parent.index + 1)
                        font.pixelSize: 48 * card.u * theme.textScale
                        font.bold: true
                        color: parent.parent.done || parent.parent.current ? theme.onPrimary : theme.muted
                    }
                }
                Text {
                    width: parent.width
                    horizontalAlignment: Text.AlignHCenter
                    wrapMode: Text.WordWrap
                    text: parent.modelData
                    font.pixelSize: 36 * card.u * theme.textScale
                    font.bold: parent.current
                    color: parent.current ? theme.text : theme.muted
                }
            }
        }
    }

    // The terminal at work (spinner), or how it ended.
    Item {
        anchors.horizontalCenter: parent.horizontalCenter
        width: 160 * card.u; height: width

        Item {
            anchors.fill: parent
            visible: card.active
            Rectangle {
                anchors.fill: parent
                radius: width / 2
                color: "transparent"
                border.color: theme.primary
                border.width: 14 * card.u
                opacity: 0.3
            }
            Rectangle {
                width: 34 * card.u; height: width; radius: width / 2
                color: theme.primary
                x: parent.width / 2 - width / 2 + Math.cos(spin.angle) * (parent.width / 2 - 7 * card.u)
                y: parent.height / 2 - height / 2 + Math.sin(spin.angle) * (parent.height / 2 - 7 * card.u)
            }
            QtObject {
                id: spin
                property real angle: 0
            }
            NumberAnimation {
                target: spin; property: "angle"
                from: 0; to: 2 * Math.PI; duration: 1400
                loops: Animation.Infinite
                running: card.active && card.visible
            }
        }

        Text {
            objectName: "card.outcome"
            anchors.centerIn: parent
            visible: !card.active && card.stage !== ""
            text: card.stage === "approved" ? "✓" : card.stage === "in_doubt" ? "!" : "✕"
            font.pixelSize: 140 * card.u * theme.textScale
            font.bold: true
            color: card.stage === "approved" ? theme.success
                 : card.stage === "in_doubt" ? theme.warning : theme.error
        }
    }

    Text {
        objectName: "card.message"
        anchors.horizontalCenter: parent.horizontalCenter
        width: (Window.height > Window.width ? 1000 : 1500) * card.u
        horizontalAlignment: Text.AlignHCenter
        wrapMode: Text.WordWrap
        text: card.message !== "" ? card.message : card.stageText(card.stage)
        font.pixelSize: 48 * card.u * theme.textScale
        font.bold: true
        color: card.refused ? theme.error : theme.text
    }

    KioskButton {
        objectName: "card.retry"
        anchors.horizontalCenter: parent.horizontalCenter
        visible: card.canRetry
        width: 640 * card.u; height: 130 * card.u
        u: card.u
        label: qsTr("Try again")
        onClicked: card.retry()
    }
}
