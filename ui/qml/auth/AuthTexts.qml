import QtQuick

// The auth screens' messages by core message key; "" for a key this feature does not know.
QtObject {
    function message(key) {
        switch (key) {
        default: return ""
        }
    }
}
