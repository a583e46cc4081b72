import QtQuick
import ".."

// The monthly bill: a month picker, the bill's items and total, and a Print button.
ScreenPage {
    id: screen
    designWidth: portrait ? 1080 : 1920  // portrait: its own arrangement, at full size
    objectName: "screen.account.bill"
    readonly property bool english: vm.language === "en"
    AccountTexts { id: names }

    Column {
        anchors.centerIn: parent
        spacing: 26 * screen.u

        Prompt {
            objectName: "account.message"
            anchors.horizontalCenter: parent.horizontalCenter
            width: Math.min(1760 * screen.u, screen.width - 96 * screen.u)
            u: screen.u
            error: vm.messageKey === "error.central_unavailable"
        }

        AccountMonths {
            anchors.horizontalCenter: parent.horizontalCenter
            u: screen.u
            available: screen.width - 96 * screen.u
            prefix: "account.billMonth"
            months: account.billMonths
            selected: account.billMonth
            onChosen: function(month) { account.chooseBillMonth(month) }
        }

        // Landscape: the bill, and Print beside it; portrait: Print under it.
        Grid {
            anchors.horizontalCenter: parent.horizontalCenter
            columns: screen.portrait ? 1 : 2
            spacing: 40 * screen.u

            Rectangle {
                width: Math.min(1100 * screen.u, screen.width - 96 * screen.u)
                height: billColumn.implicitHeight + 48 * screen.u
                radius: 20 * screen.u
                color: theme.surface
                border.color: theme.border
                border.width: 2 * screen.u
                Column {
                    id: billColumn
                    anchors.centerIn: parent
                    width: parent.width - 80 * screen.u
                    spacing: 10 * screen.u
                    Text {
                        width: parent.width
                        text: qsTr("Bill for %1").arg(names.monthLabel(account.billMonth))
                        font.pixelSize: 44 * screen.u * theme.textScale
                        font.bold: true
                        color: theme.text
                    }
                    Repeater {
                        model: account.billItems
                        Item {
                            required property var modelData
                            required property int index
                            width: billColumn.width; height: 64 * screen.u
                            Text {
                                anchors { left: parent.left; verticalCenter: parent.verticalCenter }
                                width: parent.width * 0.65
                                fontSizeMode: Text.HorizontalFit  // smaller rather than cut off
                                minimumPixelSize: 16
                                elide: Text.ElideRight
                                text: screen.english ? modelData.nameEn : modelData.nameZh
                                font.pixelSize: 38 * screen.u * theme.textScale
                                color: theme.text
                            }
                            Text {
                                objectName: "account.billItem." + index
                                anchors { right: parent.right; verticalCenter: parent.verticalCenter }
                                text: modelData.amount
                                font.pixelSize: 38 * screen.u * theme.textScale
                                color: theme.text
                            }
                        }
                    }
                    Rectangle { width: parent.width; height: 3 * screen.u; color: theme.border }
                    Item {
                        width: billColumn.width; height: 76 * screen.u
                        Text {
                            anchors { left: parent.left; verticalCenter: parent.verticalCenter }
                            text: qsTr("Total")
                            font.pixelSize: 44 * screen.u * theme.textScale
                            font.bold: true
                            color: theme.text
                        }
                        Text {
                            objectName: "account.billTotal"
                            anchors { right: parent.right; verticalCenter: parent.verticalCenter }
                            text: account.billTotal
                            font.pixelSize: 52 * screen.u * theme.textScale
                            font.bold: true
                            color: theme.text
                        }
                    }
                    Text {
                        objectName: "account.billStatus"
                        width: parent.width
                        horizontalAlignment: Text.AlignRight
                        text: account.billPaid ? qsTr("Paid") : qsTr("Not paid yet")
                        font.pixelSize: 36 * screen.u * theme.textScale
                        color: account.billPaid ? theme.success : theme.warning
                    }
                }
            }

            Column {
                width: screen.portrait ? Math.min(1100 * screen.u, screen.width - 96 * screen.u) : 620 * screen.u
                spacing: 24 * screen.u
                KioskButton {
                    objectName: "account.printBill"
                    width: parent.width; height: 130 * screen.u
                    u: screen.u
                    enabled: account.billMonth !== "" && !vm.busy && account.printState !== "printing"
                    label: qsTr("Print this bill")
                    onClicked: account.printBill()
                }
                AccountPrintResult {
                    width: parent.width
                    u: screen.u
                }
            }
        }
    }
}
