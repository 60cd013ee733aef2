"""The shared Camunda query parameter parsing and date format, without a database."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from django.http import QueryDict

from engine.rest.dates import format_date, parse_date
from engine.rest.errors import CamundaError
from engine.rest.params import Kind, ListQuery, Page, Param, flag, like

QUERY = ListQuery(
    filters=(
        Param("name"),
        Param("version", Kind.INTEGER),
        Param("latest", Kind.BOOLEAN),
        Param("keysIn", Kind.STRING_LIST),
        Param("after", Kind.DATE),
    ),
    sort_fields={"name": "name", "version": "version"},
)


def message(error: pytest.ExceptionInfo[CamundaError]) -> str:
    return str(error.value.detail)


def test_dates_are_written_with_milliseconds_and_an_offset_without_colon():
    moment = datetime(2026, 11, 25, 10, 0, 0, 123456, tzinfo=UTC)
    assert format_date(moment) == "2026-11-25T10:00:00.123+0000"


def test_dates_in_another_zone_are_written_in_utc():
    moment = datetime(2026, 11, 25, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    assert format_date(moment) == "2026-11-25T10:00:00.000+0000"


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-25T12:00:00.000+0200",
        "2026-11-25T12:00:00+02:00",
        "2026-11-25T12:00:00.000 0200",  # an unescaped + in a query string arrives as a space
        "2026-11-25T10:00:00Z",
        "2026-11-25T10:00:00",
    ],
)
def test_camunda_dates_and_their_common_variants_are_read(text):
    assert parse_date(text) == datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize("text", ["yesterday", "2026-11-25", "2026-13-01T00:00:00", ""])
def test_a_malformed_date_is_refused(text):
    with pytest.raises(ValueError, match="date|month"):
        parse_date(text)


def test_declared_parameters_are_typed_and_unknown_ones_ignored():
    params = QueryDict(
        "name=a&version=3&latest=TRUE&keysIn=x,y&after=2026-01-01T00:00:00.000%2B0000&other=1"
    )
    assert QUERY.parse_filters(params) == {
        "name": "a",
        "version": 3,
        "latest": True,
        "keysIn": ["x", "y"],
        "after": datetime(2026, 1, 1, tzinfo=UTC),
    }


def test_a_repeated_parameter_takes_its_first_value_as_camunda_does():
    assert QUERY.parse_filters(QueryDict("name=a&name=b")) == {"name": "a"}


@pytest.mark.parametrize(
    ("query", "name", "value"),
    [
        ("version=x", "version", "x"),
        ("version=99999999999", "version", "99999999999"),
        ("latest=yes", "latest", "yes"),
        ("after=soon", "after", "soon"),
    ],
)
def test_a_value_that_does_not_convert_is_a_400_naming_the_parameter(query, name, value):
    with pytest.raises(CamundaError) as error:
        QUERY.parse_filters(QueryDict(query))
    assert error.value.status_code == 400
    assert error.value.error_type == "InvalidRequestException"
    assert message(error) == f"Cannot set query parameter '{name}' to value '{value}'"


def test_sorting_orders_by_the_field_with_the_id_breaking_ties():
    assert QUERY.parse_sorting(QueryDict("sortBy=version&sortOrder=desc")) == ("-version", "pk")
    assert QUERY.parse_sorting(QueryDict("")) == ("pk",)


def test_an_unknown_sort_by_is_a_400():
    with pytest.raises(CamundaError) as error:
        QUERY.parse_sorting(QueryDict("sortBy=colour&sortOrder=asc"))
    assert message(error) == "Cannot set query parameter 'sortBy' to value 'colour'"


def test_an_unknown_sort_order_is_a_400():
    with pytest.raises(CamundaError) as error:
        QUERY.parse_sorting(QueryDict("sortBy=name&sortOrder=up"))
    assert message(error) == "Cannot set query parameter 'sortOrder' to value 'up'"


@pytest.mark.parametrize("query", ["sortBy=name", "sortOrder=asc"])
def test_sort_by_without_sort_order_or_the_reverse_is_a_400(query):
    with pytest.raises(CamundaError) as error:
        QUERY.parse_sorting(QueryDict(query))
    assert "sortBy and sortOrder required" in message(error)


def test_paging_reads_first_and_max_results():
    assert QUERY.parse(QueryDict("firstResult=5&maxResults=10")).page == Page(5, 10)
    assert QUERY.parse(QueryDict("")).page == Page(0, None)


@pytest.mark.parametrize("query", ["firstResult=-1", "maxResults=-5", "maxResults=ten"])
def test_negative_or_malformed_paging_is_a_400(query):
    with pytest.raises(CamundaError) as error:
        QUERY.parse(QueryDict(query))
    assert error.value.status_code == 400


def test_a_flag_is_false_unless_given_and_refuses_other_words():
    assert flag(QueryDict("cascade=true"), "cascade") is True
    assert flag(QueryDict(""), "cascade") is False
    with pytest.raises(CamundaError):
        flag(QueryDict("cascade=maybe"), "cascade")


@pytest.mark.parametrize(
    ("pattern", "regex"),
    [
        ("%voice%", "^.*voice.*$"),
        ("in_oice", "^in.oice$"),
        ("100\\%", "^100%$"),
        ("a.b", "^a\\.b$"),
    ],
)
def test_like_patterns_become_anchored_regular_expressions(pattern, regex):
    assert like("name", pattern).children == [("name__regex", regex)]


def test_dates_are_read_into_utc_and_offsets_beyond_java_range_are_refused():
    from datetime import UTC, datetime

    from engine.rest.dates import parse_date

    assert parse_date("2026-01-01T10:00:00.000+0200") == datetime(2026, 1, 1, 8, tzinfo=UTC)
    with pytest.raises(ValueError, match="offset"):
        parse_date("2026-01-01T10:00:00.000-2100")
    with pytest.raises(ValueError, match="out of range"):
        parse_date("9999-12-31T23:59:59.999-1800")
