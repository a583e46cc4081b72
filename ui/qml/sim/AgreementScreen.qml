import QtQuick
import ".."

// The service agreement: read to the end (a tap on "Scroll down" pages through it), sign with a
// finger in the box, then "I agree". Landscape: text left, signature right; portrait: stacked.
ScreenPage {
    id: screen
    designWidth: portrait ? 1080 : 1920  // portrait: its own arrangement, at full size
    objectName: "screen.sim.agreement"

    Column {
        anchors.centerIn: parent
        spacing: 20 * screen.u

        Prompt {
            objectName: "sim.agreement.prompt"
            anchors.horizontalCenter: parent.horizontalCenter
            width: Math.min(1800 * screen.u, screen.width - 96 * screen.u)
            u: screen.u
            font.pixelSize: 42 * screen.u * theme.textScale
        }

        Grid {
            anchors.horizontalCenter: parent.horizontalCenter
            columns: screen.portrait ? 1 : 2
            spacing: 50 * screen.u

            Column {
                spacing: 16 * screen.u
                Rectangle {
                    width: 1080 * screen.u; height: (screen.portrait ? 900 : 560) * screen.u
                    radius: 16 * screen.u
                    color: theme.surface
                    border.color: theme.border
                    border.width: 2 * screen.u
                    clip: true
                    Flickable {
                        id: reader
                        objectName: "sim.agreement.text"
                        anchors { fill: parent; margins: 28 * screen.u }
                        clip: true
                        contentWidth: width
                        contentHeight: body.height
                        boundsBehavior: Flickable.StopAtBounds
                        // Told later, not while the screen is still being built.
                        function report() {
                            if (atYEnd && height > 0 && contentHeight > 0)
                                Qt.callLater(sim.setReadToEnd, true)
                        }
                        onAtYEndChanged: report()
                        onContentHeightChanged: report()
                        Text {
                            id: body
                            width: reader.width
                            wrapMode: Text.WordWrap
                            textFormat: Text.PlainText
                            lineHeight: 1.25
                            font.pixelSize: 32 * screen.u * theme.textScale
                            color: theme.text
                            text: [
                                qsTr("Mobile telecommunications service agreement"),
                                qsTr("1. You open a mobile line in your own name. The operator has checked your resident ID card with the national real-name register; the line may only be used by you or people you are responsible for."),
                                qsTr("2. The number you chose is yours once the SIM card is issued. The number fee shown is paid once. Any money paid above it is credited to the new line as its opening balance."),
                                qsTr("3. The line starts on the basic plan shown at the kiosk. Monthly fees and charges for calls, messages and data follow the published tariff. You can change the plan at any time at a kiosk, in the app or at a service hall."),
                                qsTr("4. Your first service password is sent to the new number by SMS. Change it soon, keep it secret, and keep your SIM card safe. Report a lost card at once so the line can be suspended."),
                                qsTr("5. You must not use the line for fraud, spam, harassment or anything unlawful, nor resell it. The operator may suspend a line used in breach of the law or of this agreement."),
                                qsTr("6. Your personal data is used to provide the service, to meet the law, and is protected as the Personal Information Protection Law requires. It is not sold."),
                                qsTr("7. If a line stays unpaid, the operator may limit or suspend it after notice. Any balance left when you close the line is refunded as the tariff says."),
                                qsTr("8. Disputes are settled by talking first; you can also complain to the operator's hotline 10086 or to the telecommunications regulator."),
                                qsTr("By tapping \"I agree\" and signing, you confirm you have read and accept this agreement.")
                            ].join("\n\n")
                        }
                    }
                }
                ScrollHint {
                    width: Math.min(1080 * screen.u, screen.width - 96 * screen.u)
                    flickable: reader
                    u: screen.u
                }
                Row {
                    spacing: 20 * screen.u
                    KioskButton {
                        objectName: "sim.agreement.more"
                        width: 420 * screen.u; height: 110 * screen.u
                        u: screen.u; labelSize: 38
                        secondary: true
                        enabled: !reader.atYEnd
                        label: qsTr("Scroll down ▼")
                        onClicked: reader.contentY = Math.min(reader.contentY + reader.height * 0.9,
                                                              reader.contentHeight - reader.height)
                    }
                    Text {
                        anchors.verticalCenter: parent.verticalCenter
                        width: Math.min(implicitWidth, Math.min(1080 * screen.u, screen.width - 96 * screen.u) - 440 * screen.u)
                        wrapMode: Text.WordWrap
                        text: sim.readToEnd ? qsTr("✓ Read to the end") : qsTr("Read to the end to continue")
                        font.pixelSize: 32 * screen.u * theme.textScale
                        color: sim.readToEnd ? theme.success : theme.muted
                    }
                }
            }

            Column {
                spacing: 16 * screen.u
                Text {
                    text: qsTr("Sign here with your finger")
                    font.pixelSize: 36 * screen.u * theme.textScale
                    color: theme.text
                }
                Rectangle {
                    width: 640 * screen.u; height: 330 * screen.u
                    radius: 16 * screen.u
                    color: "white"
                    border.color: sim.signed ? theme.success : theme.border
                    border.width: 4 * screen.u
                    Text {
                        anchors.centerIn: parent
                        visible: !sim.signed && pad.current.length === 0
                        text: qsTr("Signature")
                        font.pixelSize: 40 * screen.u * theme.textScale
                        color: "#c0c0c0"
                    }
                    Canvas {
                        id: pad
                        objectName: "sim.signature.pad"
                        anchors.fill: parent
                        property var strokes: []
                        property var current: []
                        Connections {
                            target: sim
                            function onChanged() {
                                if (!sim.signed && pad.strokes.length > 0) {
                                    pad.strokes = []
                                    pad.requestPaint()
                                }
                            }
                        }
                        onPaint: {
                            var ctx = getContext("2d")
                            ctx.clearRect(0, 0, width, height)
                            ctx.strokeStyle = "#101010"
                            ctx.lineWidth = 5 * screen.u
                            ctx.lineCap = "round"
                            ctx.lineJoin = "round"
                            var all = strokes.concat([current])
                            for (var s = 0; s < all.length; ++s) {
                                var p = all[s]
                                if (p.length < 2)
                                    continue
                                ctx.beginPath()
                                ctx.moveTo(p[0] * width, p[1] * height)
                                for (var i = 2; i + 1 < p.length; i += 2)
                                    ctx.lineTo(p[i] * width, p[i + 1] * height)
                                if (p.length === 2)
                                    ctx.lineTo(p[0] * width + 1, p[1] * height + 1)
                                ctx.stroke()
                            }
                        }
                        MouseArea {
                            anchors.fill: parent
                            preventStealing: true
                            function point(mouse) {
                                return [Math.max(0, Math.min(1, mouse.x / width)),
                                        Math.max(0, Math.min(1, mouse.y / height))]
                            }
                            onPressed: function(mouse) { pad.current = point(mouse); pad.requestPaint() }
                            onPositionChanged: function(mouse) {
                                pad.current = pad.current.concat(point(mouse))
                                pad.requestPaint()
                            }
                            onReleased: {
                                var stroke = pad.current
                                pad.current = []
                                if (stroke.length >= 4) {  // a tap is a dot, not a signature
                                    pad.strokes = pad.strokes.concat([stroke])
                                    sim.addStroke(stroke)
                                }
                                pad.requestPaint()
                            }
                        }
                    }
                }
                KioskButton {
                    objectName: "sim.signature.clear"
                    width: 640 * screen.u; height: 110 * screen.u
                    u: screen.u; labelSize: 38
                    secondary: true
                    enabled: sim.signed
                    label: qsTr("Clear the signature")
                    onClicked: sim.clearSignature()
                }
                KioskButton {
                    objectName: "sim.agreement.agree"
                    width: 640 * screen.u; height: 130 * screen.u
                    u: screen.u
                    enabled: sim.canAgree && !vm.busy
                    label: qsTr("I agree")
                    sublabel: !sim.readToEnd ? qsTr("Read the agreement to the end first")
                            : !sim.signed ? qsTr("Sign in the box first") : ""
                    onClicked: sim.agree()
                }
            }
        }
    }
}
