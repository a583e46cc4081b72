<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>CashScreen</name>
    <message numerus="yes">
        <location filename="../qml/topup/CashScreen.qml" line="60"/>
        <source>%n note(s) accepted · up to %1 more</source>
        <translation>
            <numerusform>%n note accepted · up to %1 more</numerusform>
            <numerusform>%n notes accepted · up to %1 more</numerusform>
        </translation>
    </message>
</context>
</TS>
