import QtQuick
import ".."

// Card payment: follow the card terminal (the shared CardPayment component).
Item {
    id: screen
    objectName: "screen.payment.card"
    readonly property real u: Math.min(Window.width / 1920, Window.height / 1080)
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
