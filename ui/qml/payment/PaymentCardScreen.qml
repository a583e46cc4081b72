import QtQuick
import ".."

// Card payment: follow the card terminal (the shared CardPayment component).
Item {
    id: screen
    objectName: "screen.payment.card"
    // Portrait (1080×1920): the same items stacked, on a unit laid out for 1080 wide.
    readonly property bool portrait: Window.height > Window.width
    readonly property real u: portrait ? Math.min(Window.width / 1080, Window.height / 1920)
                                       : Math.min(Window.width / 1920, Window.height / 1080)
    Texts { id: texts }

    Column {
        anchors.centerIn: parent
        spacing: 20 * screen.u

        Text {
            anchors.horizontalCenter: parent.horizontalCenter
            text: payment.isBill ? qsTr("Bill payment for %1").arg(payment.numberDisplay)
                                 : qsTr("Top-up for %1").arg(payment.numberDisplay)
            font.pixelSize: 40 * screen.u * theme.textScale
            color: theme.muted
        }

        CardPayment {
            anchors.horizontalCenter: parent.horizontalCenter
            u: screen.u
            stage: payment.stage
            amountText: payment.amountText
            message: texts.message(vm.messageKey)
            canRetry: payment.canRetry
            onRetry: payment.retryCard()
        }
    }
}
