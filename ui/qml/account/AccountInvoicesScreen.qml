import QtQuick
import ".."

// Invoices (发票): a few per page, each with its own Print button; a printed one says how many
// times it was printed (from the second print on central marks the copy as a reprint).
ScreenPage {
    id: screen
    designWidth: portrait ? 1080 : 1920  // portrait: its own arrangement, at full size
    objectName: "screen.account.invoices"
    AccountTexts { id: names }

    Column {
        anchors.centerIn: parent
        spacing: 20 * screen.u

        // One line says what to do next; after a print, what became of it.
        Prompt {
            objectName: "account.message"
            anchors.horizontalCenter: parent.horizontalCenter
            width: Math.min(1760 * screen.u, screen.width - 96 * screen.u)
            u: screen.u
            visible: account.printState === ""
            error: vm.messageKey === "error.central_unavailable"
        }
        AccountPrintResult {
            anchors.horizontalCenter: parent.horizontalCenter
            width: Math.min(1760 * screen.u, screen.width - 96 * screen.u)
            u: screen.u
        }

        Column {
            anchors.horizontalCenter: parent.horizontalCenter
            spacing: 12 * screen.u
            Repeater {
                model: account.invoices
                Rectangle {
                    id: row
                    required property var modelData
                    required property int index
                    objectName: "account.invoice." + index
                    width: Math.min(1720 * screen.u, screen.width - 48 * screen.u)
                    height: Math.max(124 * screen.u, children[0].height + 24 * screen.u)  // its content, centred
                    radius: 14 * screen.u
                    color: theme.surface
                    border.color: theme.border
                    border.width: 2 * screen.u

                    // Landscape: month, number and amount side by side; portrait: stacked, left
                    // of the Print button.
                    Grid {
                        id: info
                        anchors { left: parent.left; leftMargin: 30 * screen.u; verticalCenter: parent.verticalCenter }
                        columns: screen.portrait ? 1 : 3
                        verticalItemAlignment: Grid.AlignVCenter
                        spacing: (screen.portrait ? 6 : 24) * screen.u
                        readonly property real stacked: row.width - 360 * screen.u
                        Text {
                            width: screen.portrait ? info.stacked : 320 * screen.u
                            fontSizeMode: Text.HorizontalFit  // smaller rather than cut off
                            minimumPixelSize: 16
                            elide: Text.ElideRight
                            text: names.monthLabel(row.modelData.month)
                            font.pixelSize: 36 * screen.u * theme.textScale
                            font.bold: true
                            color: theme.text
                        }
                        Column {
                            width: screen.portrait ? info.stacked : 700 * screen.u
                            spacing: 4 * screen.u
                            Text {
                                objectName: "account.invoice." + row.index + ".number"
                                width: parent.width
                                fontSizeMode: Text.HorizontalFit  // smaller rather than cut off
                                minimumPixelSize: 16
                                elide: Text.ElideRight
                                text: qsTr("No. %1").arg(row.modelData.number)
                                font.pixelSize: 32 * screen.u * theme.textScale
                                color: theme.text
                            }
                            Text {
                                objectName: "account.invoice." + row.index + ".printed"
                                width: parent.width
                                fontSizeMode: Text.HorizontalFit  // smaller rather than cut off
                                minimumPixelSize: 16
                                elide: Text.ElideRight
                                text: row.modelData.printCount > 0
                                      ? qsTr("Times printed: %1").arg(row.modelData.printCount)
                                      : qsTr("Not printed yet")
                                font.pixelSize: 30 * screen.u * theme.textScale
                                color: theme.muted
                            }
                        }
                        Column {
                            width: screen.portrait ? info.stacked : 300 * screen.u
                            spacing: 4 * screen.u
                            Text {
                                objectName: "account.invoice." + row.index + ".amount"
                                width: parent.width
                                horizontalAlignment: screen.portrait ? Text.AlignLeft : Text.AlignRight
                                text: row.modelData.amount
                                font.pixelSize: 44 * screen.u * theme.textScale
                                font.bold: true
                                color: theme.text
                            }
                            Text {
                                width: parent.width
                                horizontalAlignment: screen.portrait ? Text.AlignLeft : Text.AlignRight
                                fontSizeMode: Text.HorizontalFit  // smaller rather than cut off
                                minimumPixelSize: 16
                                elide: Text.ElideLeft
                                text: qsTr("incl. tax %1").arg(row.modelData.tax)
                                font.pixelSize: 28 * screen.u * theme.textScale
                                color: theme.muted
                            }
                        }
                    }

                    KioskButton {
                        objectName: "account.invoice." + row.index + ".print"
                        anchors { right: parent.right; rightMargin: 14 * screen.u; verticalCenter: parent.verticalCenter }
                        width: 280 * screen.u; height: 110 * screen.u
                        u: screen.u
                        enabled: !vm.busy && account.printState !== "printing"
                        label: row.modelData.printCount > 0 ? qsTr("Reprint") : qsTr("Print")
                        onClicked: account.printInvoice(row.modelData.number)
                    }
                }
            }
        }

        Text {
            objectName: "account.noInvoices"
            anchors.horizontalCenter: parent.horizontalCenter
            visible: account.invoicesLoaded && account.invoicesTotal === 0
            text: qsTr("No invoices")
            font.pixelSize: 44 * screen.u * theme.textScale
            color: theme.muted
        }

        KioskButton {
            objectName: "account.retry"
            anchors.horizontalCenter: parent.horizontalCenter
            visible: !account.invoicesLoaded && !vm.busy
            width: 480 * screen.u; height: 120 * screen.u
            u: screen.u
            label: qsTr("Try again")
            onClicked: account.reload()
        }

        AccountPager {
            anchors.horizontalCenter: parent.horizontalCenter
            visible: account.invoicePages > 1
            u: screen.u
            available: screen.width - 96 * screen.u
            prefix: "account.invoicePage"
            page: account.invoicePage
            pages: account.invoicePages
            canPrevious: account.invoicePage > 1
            canNext: account.invoicePage < account.invoicePages
            onPrevious: account.previousInvoicePage()
            onNext: account.nextInvoicePage()
        }
    }
}
