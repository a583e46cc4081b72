<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>NumberScreen</name>
    <message numerus="yes">
        <location filename="../qml/sim/NumberScreen.qml" line="132"/>
        <source>%n number(s) found</source>
        <translation>
            <numerusform>%n number found</numerusform>
            <numerusform>%n numbers found</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PayScreen</name>
    <message numerus="yes">
        <location filename="../qml/sim/PayScreen.qml" line="129"/>
        <source>%n note(s) accepted · no change is given; any extra is credited to your line</source>
        <translation>
            <numerusform>%n note accepted · no change is given; any extra is credited to your line</numerusform>
            <numerusform>%n notes accepted · no change is given; any extra is credited to your line</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../qml/sim/PayScreen.qml" line="130"/>
        <source>%n note(s) accepted · no change is given; any extra is credit on the new line</source>
        <translation>
            <numerusform>%n note accepted · no change is given; any extra is credit on the new line</numerusform>
            <numerusform>%n notes accepted · no change is given; any extra is credit on the new line</numerusform>
        </translation>
    </message>
</context>
</TS>
