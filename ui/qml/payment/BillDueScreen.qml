import QtQuick
import ".."

// The bill: whose line (owner masked by central), the unpaid months, the total due, and Pay.
ScreenPage {
    id: screen
    designWidth: portrait ? 1080 : 1920
    objectName: "screen.payment.bill"
    // Portrait (1080×1920): the same items stacked, on a unit laid out for 1080 wide.
    Texts { id: texts }

    Column {
        anchors.centerIn: parent
        spacing: 28 * screen.u

        Prompt {
            objectName: "bill.message"
            anchors.horizontalCenter: parent.horizontalCenter
            width: (screen.portrait ? 1000 : 1700) * screen.u
            u: screen.u
        }

        Grid {
            anchors.horizontalCenter: parent.horizontalCenter
            columns: screen.portrait ? 1 : 2
            spacing: 40 * screen.u

            // Whose bill it is.
            Rectangle {
                width: 700 * screen.u; height: Math.max(420 * screen.u, children[0].height + 60 * screen.u)
                radius: 20 * screen.u
                color: theme.surface
                Column {
                    anchors.centerIn: parent
                    width: parent.width - 60 * screen.u
                    spacing: 18 * screen.u
                    Text {
                        width: parent.width
                        wrapMode: Text.WordWrap
                        text: qsTr("Mobile number")
                        font.pixelSize: 34 * screen.u * theme.textScale
                        color: theme.muted
                    }
                    Text {
                        objectName: "bill.number"
                        width: parent.width
                        fontSizeMode: Text.HorizontalFit
                        minimumPixelSize: 24
                        text: payment.numberDisplay
                        font.pixelSize: 60 * screen.u * theme.textScale
                        font.bold: true
                        color: theme.text
                    }
                    Text {
                        objectName: "bill.owner"
                        width: parent.width
                        wrapMode: Text.WordWrap
                        text: qsTr("Account holder: %1").arg(payment.owner)
                        font.pixelSize: 40 * screen.u * theme.textScale
                        color: theme.text
                    }
                    Text {
                        objectName: "bill.suspended"
                        visible: payment.suspended
                        width: parent.width
                        wrapMode: Text.WordWrap
                        text: qsTr("This line is suspended. Paying the whole bill turns it back on.")
                        font.pixelSize: 34 * screen.u * theme.textScale
                        color: theme.warning
                    }
                }
            }

            // What is due, month by month.
            Rectangle {
                width: 760 * screen.u; height: Math.max(420 * screen.u, children[0].height + 60 * screen.u)
                radius: 20 * screen.u
                color: theme.surface
                Column {
                    anchors.centerIn: parent
                    width: parent.width - 60 * screen.u
                    spacing: 14 * screen.u
                    Text {
                        text: payment.nothingDue ? qsTr("Nothing is due") : qsTr("Unpaid months")
                        font.pixelSize: 34 * screen.u * theme.textScale
                        color: theme.muted
                    }
                    // Every unpaid month (up to 24), so the months add up to the total on
                    // screen; a long list makes the whole page scroll, with its hint.
                    Column {
                        id: monthRows
                        objectName: "bill.months"
                        width: parent.width
                        Repeater {
                            model: payment.months
                            Item {
                                required property var modelData
                                required property int index
                                objectName: "bill.month." + index
                                width: monthRows.width
                                height: 58 * screen.u * theme.textScale
                                Text {
                                    anchors { left: parent.left; verticalCenter: parent.verticalCenter }
                                    text: parent.modelData.month
                                    font.pixelSize: 38 * screen.u * theme.textScale
                                    color: theme.text
                                }
                                Text {
                                    anchors { right: parent.right; verticalCenter: parent.verticalCenter }
                                    text: parent.modelData.amount
                                    font.pixelSize: 38 * screen.u * theme.textScale
                                    color: theme.text
                                }
                            }
                        }
                    }
                    Rectangle { width: parent.width; height: 2 * screen.u; color: theme.border }
                    Item {
                        width: parent.width
                        height: 70 * screen.u * theme.textScale
                        Text {
                            anchors { left: parent.left; verticalCenter: parent.verticalCenter }
                            width: parent.width - due.width - 16 * screen.u
                            fontSizeMode: Text.HorizontalFit
                            minimumPixelSize: 20
                            text: qsTr("Total due")
                            font.pixelSize: 42 * screen.u * theme.textScale
                            font.bold: true
                            color: theme.text
                        }
                        Text {
                            id: due
                            objectName: "bill.due"
                            anchors { right: parent.right; verticalCenter: parent.verticalCenter }
                            text: payment.dueText
                            font.pixelSize: 56 * screen.u * theme.textScale
                            font.bold: true
                            color: theme.primary
                        }
                    }
                }
            }
        }

        Text {
            objectName: "bill.change_note"
            anchors.horizontalCenter: parent.horizontalCenter
            width: 1000 * screen.u
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            visible: payment.method === "cash" && !payment.nothingDue
            text: qsTr("No change is given: anything above the amount due goes to your balance.")
            font.pixelSize: 36 * screen.u * theme.textScale
            color: theme.muted
        }

        KioskButton {
            objectName: "bill.pay"
            anchors.horizontalCenter: parent.horizontalCenter
            visible: !payment.nothingDue
            width: 880 * screen.u; height: 130 * screen.u
            u: screen.u
            enabled: !payment.busy
            label: payment.method === "cash" ? qsTr("Pay %1 in cash").arg(payment.dueText)
                                             : qsTr("Pay %1 by card").arg(payment.dueText)
            onClicked: payment.payBill()
        }
    }
}
