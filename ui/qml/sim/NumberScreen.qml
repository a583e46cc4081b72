import QtQuick
import ".."

// Choose a number from the pool: filters (digits it contains or ends with, no 4, a price band
// or lucky numbers only), a page of numbers, a tap reserves one (with the reservation's
// countdown), Next goes on.
// Landscape: the numbers on the left, the digit filter's keypad on the right; portrait: stacked.
ScreenPage {
    id: screen
    designWidth: portrait ? 1080 : 1920  // portrait: its own arrangement, at full size
    objectName: "screen.sim.numbers"

    Column {
        anchors.centerIn: parent
        spacing: 20 * screen.u

        Prompt {
            objectName: "sim.numbers.prompt"
            anchors.horizontalCenter: parent.horizontalCenter
            width: Math.min(1800 * screen.u, screen.width - 96 * screen.u)
            u: screen.u
            font.pixelSize: 42 * screen.u * theme.textScale
            error: vm.messageKey.indexOf("number.") === 0 || vm.messageKey === "sim.no_numbers"
        }

        Grid {
            anchors.horizontalCenter: parent.horizontalCenter
            columns: screen.portrait ? 1 : 2
            spacing: 40 * screen.u

            // --- the numbers ------------------------------------------------------------
            Column {
                id: numbersColumn
                spacing: 20 * screen.u
                width: Math.min(1240 * screen.u, screen.width - 96 * screen.u)

                Row {
                    spacing: 16 * screen.u
                    KioskButton {
                        objectName: "sim.filter.nofour"
                        width: (numbersColumn.width - 64 * screen.u) / 5; height: 110 * screen.u
                        u: screen.u; labelSize: 34
                        secondary: !sim.noFour
                        label: sim.noFour ? qsTr("✓ No 4") : qsTr("No 4")
                        onClicked: sim.toggleNoFour()
                    }
                    Repeater {
                        model: ["any", "free", "upto100", "lucky"]
                        KioskButton {
                            required property string modelData
                            objectName: "sim.filter.band." + modelData
                            width: (numbersColumn.width - 64 * screen.u) / 5; height: 110 * screen.u
                            u: screen.u; labelSize: 31
                            secondary: sim.band !== modelData
                            label: modelData === "any" ? qsTr("All prices")
                                 : modelData === "free" ? qsTr("Free")
                                 : modelData === "lucky" ? qsTr("Lucky")
                                 : qsTr("Up to ¥100")
                            onClicked: sim.setBand(modelData)
                        }
                    }
                }

                Grid {
                    columns: 4
                    spacing: 14 * screen.u
                    Repeater {
                        model: sim.numbers
                        KioskButton {
                            required property var modelData
                            required property int index
                            objectName: "sim.number." + index
                            width: (numbersColumn.width - 42 * screen.u) / 4; height: 110 * screen.u
                            u: screen.u; labelSize: 32
                            secondary: !modelData.selected
                            enabled: !vm.busy
                            label: modelData.display
                            sublabel: modelData.priceFen === 0 ? qsTr("Free") : modelData.priceText
                            onClicked: sim.chooseNumber(modelData.msisdn)
                        }
                    }
                }
                Text {
                    visible: sim.numbers.length === 0
                    width: parent.width; height: 358 * screen.u
                    horizontalAlignment: Text.AlignHCenter
                    verticalAlignment: Text.AlignVCenter
                    text: qsTr("No numbers to show")
                    font.pixelSize: 40 * screen.u * theme.textScale
                    color: theme.muted
                }

                Row {
                    spacing: 16 * screen.u
                    KioskButton {
                        objectName: "sim.page.previous"
                        width: 120 * screen.u; height: 110 * screen.u
                        u: screen.u
                        secondary: true
                        enabled: sim.pageNo > 1 && !vm.busy
                        label: "‹"
                        onClicked: sim.previousPage()
                    }
                    Text {
                        objectName: "sim.page.text"
                        width: 130 * screen.u; height: 110 * screen.u
                        horizontalAlignment: Text.AlignHCenter
                        verticalAlignment: Text.AlignVCenter
                        text: sim.pageCount > 0 ? qsTr("%1 / %2").arg(sim.pageNo).arg(sim.pageCount) : ""
                        font.pixelSize: 36 * screen.u * theme.textScale
                        color: theme.muted
                    }
                    KioskButton {
                        objectName: "sim.page.next"
                        width: 120 * screen.u; height: 110 * screen.u
                        u: screen.u
                        secondary: true
                        enabled: sim.pageNo < sim.pageCount && !vm.busy
                        label: "›"
                        onClicked: sim.nextPage()
                    }
                    Column {
                        width: numbersColumn.width - 720 * screen.u
                        anchors.verticalCenter: parent.verticalCenter
                        Text {
                            objectName: "sim.reserved.number"
                            width: parent.width
                            fontSizeMode: Text.HorizontalFit  // smaller rather than cut off
                            minimumPixelSize: 16
                            elide: Text.ElideRight
                            text: sim.reserved ? qsTr("Reserved: %1").arg(sim.reservedDisplay)
                                               : qsTr("%n number(s) found", "", sim.totalNumbers)
                            font.pixelSize: 32 * screen.u * theme.textScale
                            font.bold: sim.reserved
                            color: theme.text
                        }
                        Text {
                            objectName: "sim.reserved.countdown"
                            visible: sim.reserved
                            width: parent.width
                            fontSizeMode: Text.HorizontalFit  // smaller rather than cut off
                            minimumPixelSize: 16
                            elide: Text.ElideRight
                            text: qsTr("Held for you for %1").arg(sim.countdownText)
                            font.pixelSize: 30 * screen.u * theme.textScale
                            color: sim.secondsLeft < 120 ? theme.warning : theme.muted
                        }
                    }
                    KioskButton {
                        objectName: "sim.numbers.next"
                        width: 270 * screen.u; height: 110 * screen.u
                        u: screen.u
                        enabled: sim.reserved && !vm.busy
                        label: qsTr("Next")
                        onClicked: sim.confirmNumber()
                    }
                }
            }

            // --- the digit filter: anywhere in the number, or its ending digits -----------
            Column {
                spacing: 16 * screen.u
                Row {
                    spacing: 16 * screen.u
                    Repeater {
                        model: ["contains", "ends"]
                        KioskButton {
                            required property string modelData
                            objectName: "sim.filter.match." + modelData
                            width: 300 * screen.u; height: 110 * screen.u
                            u: screen.u; labelSize: 34
                            secondary: sim.digitMatch !== modelData
                            label: modelData === "ends" ? qsTr("Ends with") : qsTr("Contains")
                            onClicked: sim.setMatch(modelData)
                        }
                    }
                }
                Row {
                    spacing: 16 * screen.u
                    Rectangle {
                        width: 380 * screen.u; height: 110 * screen.u
                        radius: 12 * screen.u
                        color: theme.surface
                        border.color: theme.border
                        border.width: 3 * screen.u
                        Text {
                            objectName: "sim.filter.digits"
                            anchors.centerIn: parent
                            text: sim.filterDigits !== "" ? sim.filterDigits
                                  : sim.digitMatch === "ends" ? qsTr("e.g. 168") : qsTr("e.g. 88")
                            color: sim.filterDigits === "" ? theme.border : theme.text
                            font.pixelSize: 56 * screen.u * theme.textScale
                            font.letterSpacing: 6 * screen.u
                        }
                    }
                    KioskButton {
                        objectName: "sim.filter.search"
                        width: 220 * screen.u; height: 110 * screen.u
                        u: screen.u; labelSize: 38
                        enabled: !vm.busy
                        label: qsTr("Search")
                        onClicked: sim.search()
                    }
                }
                Keypad {  // keys 104 px tall in landscape (26 mm), 15 mm in portrait
                    u: screen.u * (screen.portrait ? 0.85 : 0.8)
                    onDigit: function(d) { sim.filterDigit(d) }
                    onClear: sim.filterClear()
                    onBackspace: sim.filterBackspace()
                }
            }
        }
    }
}
