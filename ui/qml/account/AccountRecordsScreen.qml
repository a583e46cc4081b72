import QtQuick
import ".."

// Call detail records (详单): a type filter on the left, the month picker, one page of records
// and big Previous / Next buttons on the right; Print prints the chosen month and type.
ScreenPage {
    id: screen
    designWidth: portrait ? 1080 : 1920  // portrait: its own arrangement, at full size
    objectName: "screen.account.records"
    // columns of the table (design units): time, type, direction, other party, amount, charge
    readonly property var columns: [290, 150, 170, 300, 240, 220]
    readonly property real rowHeight: 52 * u * theme.textScale
    // The table's columns narrow to the width there is (portrait), their words with them.
    readonly property real columnScale: Math.min(1, (right.width - 40 * u) / (1370 * u))
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

        // Landscape: the filters left of the table; portrait: in a row above it.
        Grid {
            anchors.horizontalCenter: parent.horizontalCenter
            columns: screen.portrait ? 1 : 2
            spacing: 36 * screen.u

            Grid {
                id: filters
                columns: screen.portrait ? 5 : 1
                readonly property real buttonWidth: screen.portrait
                    ? (right.width - 4 * spacing) / 5 : 340 * screen.u
                spacing: 14 * screen.u
                Repeater {
                    model: ["", "voice", "sms", "data"]
                    KioskButton {
                        required property string modelData
                        objectName: "account.kind." + (modelData === "" ? "all" : modelData)
                        width: filters.buttonWidth; height: 110 * screen.u
                        u: screen.u
                        secondary: account.kind !== modelData
                        enabled: !vm.busy
                        label: names.kindLabel(modelData)
                        onClicked: account.chooseKind(modelData)
                    }
                }
                KioskButton {
                    objectName: "account.printRecords"
                    width: filters.buttonWidth; height: (screen.portrait ? 110 : 120) * screen.u
                    u: screen.u
                    enabled: account.recordsTotal > 0 && !vm.busy && account.printState !== "printing"
                    label: qsTr("Print")
                    sublabel: qsTr("this month and type")
                    onClicked: account.printRecords()
                }
            }

            Column {
                id: right
                width: Math.min(1440 * screen.u, screen.width - 96 * screen.u)
                spacing: 12 * screen.u

                AccountMonths {
                    u: screen.u
                    prefix: "account.recordsMonth"
                    buttonWidth: 226
                    available: right.width
                    months: account.recordMonths
                    selected: account.recordsMonth
                    onChosen: function(month) { account.chooseRecordsMonth(month) }
                }

                Rectangle {
                    width: right.width
                    height: head.height + 7 * screen.rowHeight
                    radius: 12 * screen.u
                    color: theme.surface
                    border.color: theme.border
                    border.width: 2 * screen.u

                    Row {
                        id: head
                        x: 20 * screen.u
                        height: 56 * screen.u * theme.textScale
                        Repeater {
                            model: [qsTr("Time"), qsTr("Type"), qsTr("Direction"),
                                    qsTr("Other party"), qsTr("Usage"), qsTr("Charge")]
                            Text {
                                required property string modelData
                                required property int index
                                width: screen.columns[index] * screen.u * screen.columnScale
                                height: head.height
                                verticalAlignment: Text.AlignVCenter
                                horizontalAlignment: index >= 4 ? Text.AlignRight : Text.AlignLeft
                                fontSizeMode: Text.HorizontalFit
                                minimumPixelSize: 18 * screen.u
                                elide: Text.ElideRight
                                text: modelData
                                font.pixelSize: 30 * screen.u * theme.textScale
                                font.bold: true
                                color: theme.muted
                            }
                        }
                    }

                    Column {
                        anchors { top: head.bottom; left: parent.left; leftMargin: 20 * screen.u }
                        Repeater {
                            model: account.records
                            Row {
                                id: record
                                required property var modelData
                                required property int index
                                objectName: "account.record." + index
                                height: screen.rowHeight
                                readonly property var cells: [
                                    modelData.when, names.kindLabel(modelData.kind),
                                    names.directionLabel(modelData.kind, modelData.direction),
                                    modelData.peer, modelData.amount, modelData.charge
                                ]
                                Repeater {
                                    model: record.cells
                                    Text {
                                        required property string modelData
                                        required property int index
                                        objectName: "account.record." + record.index + "." + index
                                        width: screen.columns[index] * screen.u * screen.columnScale
                                        height: record.height
                                        verticalAlignment: Text.AlignVCenter
                                        horizontalAlignment: index >= 4 ? Text.AlignRight : Text.AlignLeft
                                        fontSizeMode: Text.HorizontalFit
                                        minimumPixelSize: 18 * screen.u
                                        elide: Text.ElideRight
                                        text: modelData
                                        font.pixelSize: 32 * screen.u * theme.textScale
                                        color: theme.text
                                    }
                                }
                            }
                        }
                    }

                    Text {
                        objectName: "account.noRecords"
                        anchors.centerIn: parent
                        visible: account.recordsLoaded && account.recordsTotal === 0
                        text: qsTr("No records")
                        font.pixelSize: 40 * screen.u * theme.textScale
                        color: theme.muted
                    }

                    KioskButton {
                        objectName: "account.retry"
                        anchors.centerIn: parent
                        visible: !account.recordsLoaded && !vm.busy
                        width: 480 * screen.u; height: 120 * screen.u
                        u: screen.u
                        label: qsTr("Try again")
                        onClicked: account.reload()
                    }
                }

                Item {
                    width: right.width
                    height: 110 * screen.u
                    AccountPager {
                        anchors.centerIn: parent
                        u: screen.u
                        available: right.width
                        prefix: "account.page"
                        page: account.page
                        pages: account.pages
                        canPrevious: account.canPrevious
                        canNext: account.canNext
                        onPrevious: account.previousPage()
                        onNext: account.nextPage()
                    }
                }
            }
        }
    }
}
