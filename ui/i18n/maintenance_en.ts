<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>MaintenanceCash</name>
    <message numerus="yes">
        <location filename="../qml/maintenance/MaintenanceCash.qml" line="178"/>
        <source>Collect %1 (%n note(s)) now?</source>
        <translation>
            <numerusform>Collect %1 (%n note) now?</numerusform>
            <numerusform>Collect %1 (%n notes) now?</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MaintenancePin</name>
    <message numerus="yes">
        <location filename="../qml/maintenance/MaintenancePin.qml" line="60"/>
        <source>%n attempt(s) left before maintenance locks</source>
        <translation>
            <numerusform>%n attempt left before maintenance locks</numerusform>
            <numerusform>%n attempts left before maintenance locks</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MaintenanceQueue</name>
    <message numerus="yes">
        <location filename="../qml/maintenance/MaintenanceQueue.qml" line="142"/>
        <source>%n attempt(s) · %1 ago · %2</source>
        <translation>
            <numerusform>%n attempt · %1 ago · %2</numerusform>
            <numerusform>%n attempts · %1 ago · %2</numerusform>
        </translation>
    </message>
</context>
</TS>
