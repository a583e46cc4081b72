"""The touch UI: Qt Quick screens over thin view-models of the kiosk core. Only ui/ imports Qt."""
