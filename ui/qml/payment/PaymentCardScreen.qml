import QtQuick
import ".."

// Card payment: follow the card terminal (the shared CardPayment component).
ScreenPage {
    id: screen
    designWidth: portrait ? 1080 : 1920
    objectName: "screen.payment.card"
    // Portrait (1080×1920): the same items stacked, on a unit laid out for 1080 wide.
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
