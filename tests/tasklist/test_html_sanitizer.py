"""The allow-list embedded forms pass: what a deployed HTML form may bring into the page."""

import pytest

from tasklist.html_sanitizer import count_scripts, sanitize


@pytest.mark.parametrize(
    ("deployed", "shown"),
    [
        ('<script cam-script type="text/form-script">camForm.on()</script><p>a</p>', "<p>a</p>"),
        ('<input onfocus="steal()" cam-variable-name="x">', '<input cam-variable-name="x">'),
        ('<a href="javascript:alert(1)">help</a>', '<a rel="noopener noreferrer">help</a>'),
        ('<iframe src="https://evil.example"></iframe><object data="x">o</object>', ""),
        ('<img src="https://tracker.example/p.png"><link rel="stylesheet" href="x.css">', ""),
        ("<style>body { display: none }</style>", ""),
        ('<form action="https://evil.example"><label>A</label></form>', "<label>A</label>"),
        ('<button type="submit" formaction="https://evil.example">Go</button>',
         '<button type="button">Go</button>'),
        ('<input type="file" accept=".pdf" cam-variable-name="f" cam-max-filesize="9">',
         '<input type="file" accept=".pdf" cam-variable-name="f" cam-max-filesize="9">'),
        ('<a cam-file-download="f" download href="/files/f">f</a>',
         '<a cam-file-download="f" download="" href="/files/f" rel="noopener noreferrer">f</a>'),
        ('<div style="width: 50%; position: fixed; background: url(https://x/a.png)">d</div>',
         '<div style="width:50%">d</div>'),
        ('<div style="color: u\\72l(https://x)">d</div>', "<div>d</div>"),
        ('<div class="form-group row" id="a" aria-label="A">d</div>',
         '<div class="form-group row" id="a" aria-label="A">d</div>'),
    ],
)
def test_the_allow_list_keeps_form_markup_and_drops_scripts_and_remote_resources(deployed, shown):
    assert sanitize(deployed) == shown


def test_scripts_are_counted_for_the_note_that_legato_does_not_run_them():
    assert count_scripts('<script cam-script>a()</script><SCRIPT>b()</SCRIPT><p>c</p>') == 2
