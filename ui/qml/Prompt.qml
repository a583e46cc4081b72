import QtQuick

// The one short sentence that tells the customer what to do next (a core message key).
Text {
    property real u: 1
    property string key: vm.messageKey
    property bool error: false
    Texts { id: promptTexts }
    wrapMode: Text.WordWrap
    horizontalAlignment: Text.AlignHCenter
    text: promptTexts.message(key)
    visible: text !== ""  // no empty line's worth of space when there is nothing to say
    font.pixelSize: 48 * u * theme.textScale
    color: error ? theme.error : theme.text
}
