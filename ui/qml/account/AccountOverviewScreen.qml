import QtQuick
import ".."

// Account overview: the balance, the latest monthly bill, and what to look at or print next.
ScreenPage {
    id: screen
    designWidth: portrait ? 1080 : 1920  // portrait: its own arrangement, at full size
    objectName: "screen.account.overview"
    readonly property bool english: vm.language === "en"
    AccountTexts { id: names }

    Column {
        anchors.centerIn: parent
        spacing: 28 * screen.u

        Prompt {
            objectName: "account.message"
            anchors.horizontalCenter: parent.horizontalCenter
            width: Math.min(1760 * screen.u, screen.width - 96 * screen.u)
            u: screen.u
            error: vm.messageKey === "error.central_unavailable"
        }

        Grid {  // side by side; portrait: one above the other
            anchors.horizontalCenter: parent.horizontalCenter
            columns: screen.portrait ? 1 : 2
            spacing: 40 * screen.u

            Rectangle {
                width: Math.min(860 * screen.u, screen.width - 96 * screen.u); height: Math.max((screen.portrait ? 300 : 400) * screen.u, children[0].height + 24 * screen.u)  // its content, centred
                radius: 20 * screen.u
                color: theme.surface
                border.color: theme.border
                border.width: 2 * screen.u
                Column {
                    anchors.centerIn: parent
                    width: parent.width - 60 * screen.u
                    spacing: 12 * screen.u
                    Text {
                        objectName: "account.owner"
                        width: parent.width
                        horizontalAlignment: Text.AlignHCenter
                        fontSizeMode: Text.HorizontalFit  // smaller rather than cut off
                        minimumPixelSize: 16
                        elide: Text.ElideRight
                        text: account.loaded ? qsTr("%1 · %2").arg(account.ownerName).arg(account.numberDisplay) : ""
                        font.pixelSize: 36 * screen.u * theme.textScale
                        color: theme.muted
                    }
                    Text {
                        width: parent.width
                        horizontalAlignment: Text.AlignHCenter
                        text: qsTr("Balance")
                        font.pixelSize: 40 * screen.u * theme.textScale
                        color: theme.text
                    }
                    Text {
                        objectName: "account.balance"
                        width: parent.width
                        horizontalAlignment: Text.AlignHCenter
                        text: account.loaded ? account.balanceText : "—"
                        font.pixelSize: 110 * screen.u * theme.textScale
                        font.bold: true
                        color: account.balanceNegative ? theme.error : theme.success
                    }
                    Text {
                        objectName: "account.plan"
                        width: parent.width
                        horizontalAlignment: Text.AlignHCenter
                        fontSizeMode: Text.HorizontalFit  // smaller rather than cut off
                        minimumPixelSize: 16
                        elide: Text.ElideRight
                        visible: account.loaded
                        text: qsTr("Plan: %1").arg(screen.english ? account.planNameEn : account.planNameZh)
                              + "  ·  " + (account.accountStatus === "active" ? qsTr("Active") : qsTr("Suspended"))
                        font.pixelSize: 34 * screen.u * theme.textScale
                        color: account.accountStatus === "active" ? theme.muted : theme.error
                    }
                }
            }

            Rectangle {
                width: Math.min(860 * screen.u, screen.width - 96 * screen.u); height: Math.max((screen.portrait ? 300 : 400) * screen.u, children[0].height + 24 * screen.u)  // its content, centred
                radius: 20 * screen.u
                color: theme.surface
                border.color: theme.border
                border.width: 2 * screen.u
                Column {
                    anchors.centerIn: parent
                    width: parent.width - 60 * screen.u
                    spacing: 12 * screen.u
                    Text {
                        width: parent.width
                        horizontalAlignment: Text.AlignHCenter
                        text: account.latestBillMonth !== ""
                              ? qsTr("Latest bill: %1").arg(names.monthLabel(account.latestBillMonth))
                              : qsTr("Latest bill")
                        font.pixelSize: 40 * screen.u * theme.textScale
                        color: theme.text
                    }
                    Text {
                        objectName: "account.latestBill"
                        width: parent.width
                        horizontalAlignment: Text.AlignHCenter
                        text: account.latestBillTotal !== "" ? account.latestBillTotal : "—"
                        font.pixelSize: 110 * screen.u * theme.textScale
                        font.bold: true
                        color: theme.text
                    }
                    Text {
                        objectName: "account.latestBillStatus"
                        width: parent.width
                        horizontalAlignment: Text.AlignHCenter
                        visible: account.latestBillMonth !== ""
                        text: account.latestBillPaid ? qsTr("Paid") : qsTr("Not paid yet")
                        font.pixelSize: 36 * screen.u * theme.textScale
                        color: account.latestBillPaid ? theme.success : theme.warning
                    }
                }
            }
        }

        Grid {  // the three buttons in a row; portrait: under each other
            columns: screen.portrait ? 1 : 3
            anchors.horizontalCenter: parent.horizontalCenter
            spacing: 40 * screen.u
            visible: account.loaded
            KioskButton {
                objectName: "account.showBill"
                width: 560 * screen.u; height: 130 * screen.u
                u: screen.u
                enabled: account.latestBillMonth !== "" && !vm.busy
                label: qsTr("Monthly bill")
                onClicked: account.showBill()
            }
            KioskButton {
                objectName: "account.showRecords"
                width: 560 * screen.u; height: 130 * screen.u
                u: screen.u
                enabled: !vm.busy
                label: qsTr("Call records")
                onClicked: account.showRecords()
            }
            KioskButton {
                objectName: "account.printBalance"
                width: 560 * screen.u; height: 130 * screen.u
                u: screen.u
                secondary: true
                enabled: !vm.busy && account.printState !== "printing"
                label: qsTr("Print balance")
                onClicked: account.printBalance()
            }
        }

        KioskButton {
            objectName: "account.retry"
            anchors.horizontalCenter: parent.horizontalCenter
            visible: !account.loaded && !vm.busy
            width: 560 * screen.u; height: 130 * screen.u
            u: screen.u
            label: qsTr("Try again")
            onClicked: account.reload()
        }

        AccountPrintResult {
            anchors.horizontalCenter: parent.horizontalCenter
            width: Math.min(1760 * screen.u, screen.width - 96 * screen.u)
            u: screen.u
        }
    }
}
