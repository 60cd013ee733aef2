"""Deployed HTML made safe to show inside the tasklist's own page.

An embedded form is HTML anyone allowed to deploy wrote; the tasklist shows it to every user
of the task, so it passes an allow-list (nh3, the Ammonia sanitizer, which parses HTML as
browsers do): form controls, labels, layout and text elements, classes, ids and the Camunda
Forms SDK's `cam-*` attributes stay; scripts (also `cam-script` blocks), styles sheets,
frames, objects, event handler attributes, `javascript:` links and anything that loads a
resource from elsewhere (images, `src`, `url()` in styles) go. Deployed JavaScript is never
run by Legato.
"""

from __future__ import annotations

import re

import nh3

_TEXT = {"div", "span", "p", "br", "hr", "small", "strong", "b", "em", "i", "u", "s", "mark"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6", "header", "footer", "section", "article"}
_LISTS = {"ul", "ol", "li", "dl", "dt", "dd", "blockquote", "pre", "code", "abbr", "sub", "sup"}
_TABLES = {"table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td"}
_CONTROLS = {"label", "input", "select", "option", "optgroup", "textarea", "button",
             "fieldset", "legend", "a"}
TAGS = _TEXT | _HEADINGS | _LISTS | _TABLES | _CONTROLS

# Dropped with everything inside them (the rest of the unknown tags, `<form>` among them, are
# dropped but their content kept: the tasklist wraps the fields in its own form).
DROPPED_WITH_CONTENT = {"script", "style", "iframe", "frame", "frameset", "object", "embed",
                        "applet", "template", "noscript", "svg", "math", "title", "head"}

CAM_ATTRIBUTES = {"cam-variable-name", "cam-variable-type", "cam-choices", "cam-business-key",
                  "cam-max-filesize", "cam-file-download"}
_ANY_TAG = {"class", "id", "title", "role", "lang", "dir", "hidden", "style"} | CAM_ATTRIBUTES
_INPUT = {"name", "value", "placeholder", "required", "readonly", "disabled", "checked", "min",
          "max", "step", "minlength", "maxlength", "pattern", "size", "autocomplete",
          "inputmode", "aria-invalid", "accept"}
ATTRIBUTES = {
    "*": _ANY_TAG,
    "input": _INPUT,
    "select": {"name", "required", "disabled", "size", "aria-invalid"},
    "option": {"value", "selected", "disabled", "label"},
    "optgroup": {"label", "disabled"},
    "textarea": {"name", "rows", "cols", "placeholder", "required", "readonly", "disabled",
                 "minlength", "maxlength", "wrap", "aria-invalid"},
    "label": {"for"},
    "fieldset": {"disabled"},
    "a": {"href", "download"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "col": {"span"},
    "ol": {"start"},
}
# A `file` input uploads to the tasklist with the form (tasklist.embedded_forms binds it).
INPUT_TYPES = {"text", "number", "email", "tel", "url", "search", "password", "date",
               "datetime-local", "time", "month", "week", "checkbox", "radio", "hidden",
               "range", "color", "file"}
# Style properties that can neither load anything nor lift an element over the page.
STYLE_PROPERTIES = {
    "color", "background-color", "width", "min-width", "max-width", "height", "min-height",
    "max-height", "margin", "margin-top", "margin-right", "margin-bottom", "margin-left",
    "padding", "padding-top", "padding-right", "padding-bottom", "padding-left", "text-align",
    "vertical-align", "display", "float", "clear", "font-weight", "font-style", "font-size",
    "text-decoration", "white-space", "gap", "flex", "flex-direction", "flex-wrap",
    "justify-content", "align-items",
}
_SCRIPT = re.compile(r"<script\b", re.IGNORECASE)
# Values that fetch or compute something; CSS escapes could spell them, so a backslash goes too.
_ACTIVE_STYLE = re.compile(r"url\s*\(|expression\s*\(|image-set\s*\(|@import|\\", re.I)


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute != "style":
        return value
    kept = [d for d in value.split(";") if d.strip() and not _ACTIVE_STYLE.search(d)]
    return ";".join(kept) or None


def sanitize(html: str) -> str:
    """The HTML with only what the allow-list keeps."""
    return nh3.clean(
        html,
        tags=TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ATTRIBUTES,
        generic_attribute_prefixes={"aria-", "data-"},
        tag_attribute_values={"input": {"type": INPUT_TYPES}},
        # A deployed button must not submit the tasklist's form: only Complete/Start does.
        set_tag_attribute_values={"button": {"type": "button"}},
        url_schemes={"http", "https", "mailto"},
        filter_style_properties=STYLE_PROPERTIES,
        attribute_filter=_attribute_filter,
        strip_comments=True,
    )


def count_scripts(html: str) -> int:
    """How many `<script>` blocks (`cam-script` ones and others) the deployed HTML holds:
    the page says that Legato does not run them."""
    return len(_SCRIPT.findall(html))
