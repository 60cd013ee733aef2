"""java.time in Groovy scripts, as Camunda 7 users compute dates and durations with it:
values printed, added, compared, formatted and parsed as Java does, and what crosses into
process variables."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from engine.groovy import (
    MISSING,
    Bindings,
    GroovyLimitError,
    GroovyRuntimeError,
    GroovySyntaxError,
    parse_groovy,
    run_groovy,
)
from engine.groovy.static_imports import STATIC_PACKAGES, static_members

NOW = datetime(2026, 3, 14, 9, 26, 53, tzinfo=UTC)


def run(source: str, **variables: Any) -> Any:
    stored: dict[str, Any] = {}
    bindings = Bindings(
        variables=lambda name: variables.get(name, MISSING), now=NOW,
        store=stored.__setitem__,
    )
    return run_groovy(parse_groovy(source), bindings)


@pytest.mark.parametrize(
    ("source", "text"),
    [
        ("LocalDate.of(2024, 1, 31).plusMonths(1)", "2024-02-29"),
        ("LocalDate.of(2023, 1, 31).plusMonths(1)", "2023-02-28"),
        ("LocalDate.of(2024, 2, 29).plusYears(1)", "2025-02-28"),
        ("LocalDate.of(2024, 3, 31).minusMonths(1).minusWeeks(1)", "2024-02-22"),
        ("LocalDate.of(2024, Month.MARCH, 1).minusDays(1)", "2024-02-29"),
        ("LocalDate.now()", "2026-03-14"),
        ("LocalDate.now(ZoneId.of('Pacific/Auckland'))", "2026-03-14"),
        ("LocalDate.now(ZoneId.of('Pacific/Honolulu'))", "2026-03-13"),
        ("LocalDateTime.of(2024, 1, 5, 10, 15)", "2024-01-05T10:15"),
        ("LocalDateTime.of(2024, 1, 5, 10, 15, 30)", "2024-01-05T10:15:30"),
        ("LocalDateTime.of(2024, 1, 5, 10, 15, 0, 500000000)", "2024-01-05T10:15:00.500"),
        ("LocalDateTime.now()", "2026-03-14T09:26:53"),
        ("LocalTime.of(23, 30).plusHours(2)", "01:30"),
        ("LocalTime.parse('10:15:30').plusSeconds(30)", "10:16"),
        ("Instant.now()", "2026-03-14T09:26:53Z"),
        ("Instant.ofEpochMilli(0).plusMillis(1500)", "1970-01-01T00:00:01.500Z"),
        ("Instant.parse('2024-01-05T10:15:00Z').plus(Duration.ofHours(36))",
         "2024-01-06T22:15:00Z"),
        ("Instant.parse('2024-01-05T10:15:30+01:00')", "2024-01-05T09:15:30Z"),
        ("Instant.parse('2024-01-05T10:15:00Z').plus(2, ChronoUnit.DAYS)",
         "2024-01-07T10:15:00Z"),
        ("ZonedDateTime.now()", "2026-03-14T09:26:53Z[UTC]"),
        ("ZonedDateTime.of(LocalDateTime.of(2024, 1, 5, 10, 15), ZoneId.of('Europe/Berlin'))",
         "2024-01-05T10:15+01:00[Europe/Berlin]"),
        ("LocalDate.of(2024, 1, 5).atStartOfDay(ZoneOffset.UTC)", "2024-01-05T00:00Z"),
        ("LocalDateTime.of(2024, 1, 5, 10, 15).atOffset(ZoneOffset.of('+05:30'))",
         "2024-01-05T10:15+05:30"),
        ("OffsetDateTime.parse('2024-01-05T10:15:30-03:00').toInstant()",
         "2024-01-05T13:15:30Z"),
        ("ZonedDateTime.parse('2024-07-01T12:00+02:00[Europe/Paris]')"
         ".withZoneSameInstant(ZoneId.of('America/New_York'))",
         "2024-07-01T06:00-04:00[America/New_York]"),
        # Days keep the local time across summer time, hours count on the time line.
        ("ZonedDateTime.of(LocalDateTime.of(2024, 3, 30, 12, 0), ZoneId.of('Europe/Berlin'))"
         ".plusDays(1)", "2024-03-31T12:00+02:00[Europe/Berlin]"),
        ("ZonedDateTime.of(LocalDateTime.of(2024, 3, 30, 12, 0), ZoneId.of('Europe/Berlin'))"
         ".plusHours(24)", "2024-03-31T13:00+02:00[Europe/Berlin]"),
        ("LocalDateTime.of(2024, 3, 31, 2, 30).atZone(ZoneId.of('Europe/Berlin'))",
         "2024-03-31T03:30+02:00[Europe/Berlin]"),
        ("ZoneId.of('UTC+1')", "UTC+01:00"),
        ("ZoneOffset.ofHours(-5)", "-05:00"),
        ("Duration.ofMinutes(90)", "PT1H30M"),
        ("Duration.ofDays(2)", "PT48H"),
        ("Duration.ofMillis(1500)", "PT1.5S"),
        ("Duration.ofMillis(-1500)", "PT-1.5S"),
        ("Duration.ofMinutes(-90)", "PT-1H-30M"),
        ("Duration.ZERO", "PT0S"),
        ("Duration.parse('P1DT2H').plusMinutes(5)", "PT26H5M"),
        ("Duration.between(LocalDateTime.of(2024, 1, 5, 10, 0), "
         "LocalDateTime.of(2024, 1, 5, 11, 30))", "PT1H30M"),
        ("Period.of(1, 2, 3)", "P1Y2M3D"),
        ("Period.ZERO", "P0D"),
        ("Period.ofWeeks(2)", "P14D"),
        ("Period.between(LocalDate.of(2024, 1, 31), LocalDate.of(2024, 3, 1))", "P1M1D"),
        ("Period.parse('P1Y2W')", "P1Y14D"),
        ("LocalDate.of(2024, 1, 31).plus(Period.ofMonths(1))", "2024-02-29"),
        ("LocalDate.of(2024, 1, 5).with(TemporalAdjusters.lastDayOfMonth())", "2024-01-31"),
        ("LocalDate.of(2024, 1, 5).with(TemporalAdjusters.next(DayOfWeek.MONDAY))",
         "2024-01-08"),
        ("LocalDate.of(2024, 1, 15).withDayOfMonth(1)", "2024-01-01"),
        ("LocalDateTime.of(2024, 1, 5, 10, 15, 42).truncatedTo(ChronoUnit.HOURS)",
         "2024-01-05T10:00"),
        ("new Date(0).toInstant()", "1970-01-01T00:00:00Z"),
        ("DayOfWeek.SUNDAY.plus(1)", "MONDAY"),
        ("ChronoUnit.DAYS", "Days"),
    ],
)
def test_values_print_as_java_prints_them(source: str, text: str):
    assert run(f"({source}).toString()") == text
    assert run(f'"${{{source}}}"') == text


@pytest.mark.parametrize(
    ("source", "result"),
    [
        ("def d = LocalDate.of(2024, 1, 5)\n[d.year, d.monthValue, d.dayOfMonth, "
         "d.getDayOfYear(), d.dayOfWeek.value, d.leapYear, d.lengthOfMonth()]",
         [2024, 1, 5, 5, 5, True, 31]),
        ("def t = LocalDateTime.of(2024, 1, 5, 10, 15, 30)\n[t.hour, t.minute, t.second]",
         [10, 15, 30]),
        ("LocalDate.of(2024, 1, 6).dayOfWeek in [DayOfWeek.SATURDAY, DayOfWeek.SUNDAY]", True),
        ("LocalDate.of(2024, 1, 5).dayOfWeek == DayOfWeek.SATURDAY", False),
        ("LocalDate.of(2024, 1, 5).month.toString()", "JANUARY"),
        ("LocalDate.of(2024, 1, 5).isBefore(LocalDate.of(2024, 1, 6))", True),
        ("LocalDate.of(2024, 1, 5).isAfter(LocalDate.of(2024, 1, 6))", False),
        ("LocalDate.of(2024, 1, 5) == LocalDate.parse('2024-01-05')", True),
        ("LocalDate.of(2024, 1, 5) < LocalDate.of(2024, 1, 6)", True),
        ("LocalDate.of(2024, 1, 5).compareTo(LocalDate.of(2024, 1, 3))", 1),
        ("[LocalDate.of(2024, 3, 1), LocalDate.of(2024, 1, 1)].sort()*.monthValue", [1, 3]),
        ("[LocalDate.of(2024, 1, 1), LocalDate.of(2024, 1, 1)].unique().size()", 1),
        ("ChronoUnit.DAYS.between(LocalDate.of(2024, 1, 1), LocalDate.of(2024, 3, 1))", 60),
        ("ChronoUnit.MONTHS.between(LocalDate.of(2024, 1, 31), LocalDate.of(2024, 2, 29))", 0),
        ("ChronoUnit.HOURS.between(LocalDateTime.of(2024, 1, 5, 10, 0), "
         "LocalDateTime.of(2024, 1, 4, 8, 30))", -25),
        ("LocalDate.of(2024, 1, 1).until(LocalDate.of(2024, 12, 25), ChronoUnit.WEEKS)", 51),
        ("Duration.ofMinutes(150).toHours()", 2),
        ("def d = Duration.ofSeconds(3725)\n[d.toMinutes(), d.seconds, d.toMillis(), "
         "d.toMinutesPart(), d.toSecondsPart()]", [62, 3725, 3725000, 2, 5]),
        ("Duration.ofHours(1) < Duration.ofMinutes(61)", True),
        ("Duration.ofHours(1) == Duration.ofMinutes(60)", True),
        ("Period.of(0, 12, 0) == Period.ofYears(1)", False),
        ("Period.of(0, 14, 0).normalized().years", 1),
        ("Instant.parse('2024-01-05T10:15:00Z').toEpochMilli()", 1704449700000),
        ("Date.from(Instant.ofEpochMilli(86400000))",
         datetime(1970, 1, 2, tzinfo=UTC)),
        ("Date.from(LocalDate.of(2024, 1, 5).atStartOfDay(ZoneId.of('Europe/Berlin'))"
         ".toInstant())", datetime(2024, 1, 4, 23, tzinfo=UTC)),
        ("due.toInstant().atZone(ZoneOffset.UTC).toLocalDate().toString()", "2024-01-05"),
        ("ZonedDateTime.parse('2024-01-05T10:15+01:00[Europe/Berlin]') == "
         "ZonedDateTime.of(LocalDateTime.of(2024, 1, 5, 10, 15), ZoneId.of('Europe/Berlin'))",
         True),
        ("def t = LocalTime.of(10, 0)\nt.isBefore(LocalTime.NOON) && t.isAfter(LocalTime.MIDNIGHT)",
         True),
        ("ZoneOffset.of('+02:00').totalSeconds", 7200),
    ],
)
def test_fields_comparisons_and_counts_answer_as_in_java(source: str, result: Any):
    assert run(source, due=datetime(2024, 1, 5, 10, tzinfo=UTC)) == result


@pytest.mark.parametrize(
    ("source", "text"),
    [
        ("LocalDate.of(2024, 1, 5).format(DateTimeFormatter.ofPattern('dd.MM.yyyy'))",
         "05.01.2024"),
        ("LocalDate.of(2024, 1, 5).format(DateTimeFormatter.ofPattern('EEEE, d MMMM uuuu'))",
         "Friday, 5 January 2024"),
        ("LocalDate.of(2024, 1, 5).format(DateTimeFormatter.ofPattern('EEE d MMM yy'))",
         "Fri 5 Jan 24"),
        ("LocalDateTime.of(2024, 1, 5, 14, 5).format("
         "DateTimeFormatter.ofPattern(\"yyyy-MM-dd'T'HH:mm:ss.SSS\"))", "2024-01-05T14:05:00.000"),
        ("LocalDateTime.of(2024, 1, 5, 14, 5).format(DateTimeFormatter.ofPattern('h:mm a'))",
         "2:05 PM"),
        ("LocalDateTime.of(2024, 1, 5, 10, 15).format(DateTimeFormatter.ISO_LOCAL_DATE_TIME)",
         "2024-01-05T10:15:00"),
        ("DateTimeFormatter.ISO_LOCAL_DATE.format(LocalDateTime.of(2024, 1, 5, 10, 15))",
         "2024-01-05"),
        ("ZonedDateTime.of(LocalDateTime.of(2024, 1, 5, 10, 15), ZoneId.of('Europe/Berlin'))"
         ".format(DateTimeFormatter.ISO_DATE_TIME)", "2024-01-05T10:15:00+01:00[Europe/Berlin]"),
        ("ZonedDateTime.of(LocalDateTime.of(2024, 1, 5, 10, 15), ZoneId.of('Europe/Berlin'))"
         ".format(DateTimeFormatter.ofPattern('yyyy-MM-dd HH:mm XXX VV z'))",
         "2024-01-05 10:15 +01:00 Europe/Berlin CET"),
        ("DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(1704449700123))",
         "2024-01-05T10:15:00.123Z"),
        ("DateTimeFormatter.ofPattern('dd.MM.yyyy HH:mm').withZone(ZoneId.of('Asia/Tokyo'))"
         ".format(Instant.parse('2024-01-05T20:00:00Z'))", "06.01.2024 05:00"),
        ("LocalDate.of(2024, 1, 5).format(DateTimeFormatter.ofPattern('yyyy-MM-dd[ HH:mm]'))",
         "2024-01-05"),
        ("LocalDateTime.of(2024, 1, 5, 9, 5).format("
         "DateTimeFormatter.ofPattern('yyyy-MM-dd[ HH:mm]'))", "2024-01-05 09:05"),
        ("LocalDate.parse('05.01.2024', DateTimeFormatter.ofPattern('dd.MM.yyyy'))",
         "2024-01-05"),
        ("LocalDate.parse('2023-02-30', DateTimeFormatter.ofPattern('yyyy-MM-dd'))",
         "2023-02-28"),
        ("LocalDate.parse('20240105', DateTimeFormatter.BASIC_ISO_DATE)", "2024-01-05"),
        ("LocalDate.parse('5 Jan 2024', DateTimeFormatter.ofPattern('d MMM yyyy'))",
         "2024-01-05"),
        ("LocalDateTime.parse('05/01/2024 2:30 PM', "
         "DateTimeFormatter.ofPattern('dd/MM/yyyy h:mm a'))", "2024-01-05T14:30"),
        ("LocalDateTime.parse('2024-01-05T10:15:30.25')", "2024-01-05T10:15:30.250"),
        ("LocalDate.parse('2024-01-05T10:15:30', DateTimeFormatter.ISO_LOCAL_DATE_TIME)",
         "2024-01-05"),
        ("ZonedDateTime.parse('2024-01-05 10:15 Europe/Berlin', "
         "DateTimeFormatter.ofPattern('yyyy-MM-dd HH:mm VV'))",
         "2024-01-05T10:15+01:00[Europe/Berlin]"),
    ],
)
def test_formatters_print_and_parse_as_java_does(source: str, text: str):
    assert run(f"({source}).toString()") == text


def test_java_time_is_imported_or_named_fully_qualified():
    assert run(
        "import java.time.*\nimport java.time.format.DateTimeFormatter\n"
        "import java.time.temporal.ChronoUnit\n"
        "LocalDate.of(2024, 1, 5).format(DateTimeFormatter.ISO_LOCAL_DATE)"
    ) == "2024-01-05"
    assert run("java.time.LocalDate.of(2024, 1, 5).plusDays(1).toString()") == "2024-01-06"
    assert run(
        "java.time.format.DateTimeFormatter.ofPattern('yy').format(java.time.LocalDate.now())"
    ) == "26"
    assert run("def org = [unit: 'sales']\norg.unit") == "sales"


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("import java.time.chrono.JapaneseDate", "import of java.time.chrono.JapaneseDate is not"),
        ("import java.time.MonthDay", "import of java.time.MonthDay is not supported"),
        ("java.time.MonthDay.now()", "java.time.MonthDay is not supported"),
        ("java.nio.file.Files.readAllLines(p)", "java.nio.file.Files is not supported"),
        ("import static java.util.Collections.sort",
         "import static java.util.Collections.sort is not supported: the sandbox has the "
         "static members of java.lang.Math"),
        ("import static java.lang.Math.cbrt",
         "import static java.lang.Math.cbrt is not supported: Math has E, PI, abs"),
        ("import static java.time.MonthDay.now",
         "import static java.time.MonthDay.now is not supported"),
        ("import static java.lang.Math.max as biggest", "import aliases (as) are not supported"),
    ],
)
def test_java_time_the_sandbox_lacks_is_refused_with_the_line(source: str, message: str):
    with pytest.raises(GroovySyntaxError) as raised:
        parse_groovy(f"def a = 1\n{source}")
    assert message in raised.value.message
    assert raised.value.line == 2


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("LocalDate.of(2023, 2, 29)", "java.time.DateTimeException: Invalid date 'FEBRUARY 29'"),
        ("LocalDate.of(2024, 13, 1)",
         "Invalid value for MonthOfYear (valid values 1 - 12): 13"),
        ("LocalDate.parse('2023-02-30')", "Text '2023-02-30' could not be parsed: Invalid date "
         "'FEBRUARY 30'"),
        ("LocalDate.parse('05.01.2024')", "Text '05.01.2024' could not be parsed"),
        ("LocalDate.of(2024, 1, 5).plusHours(1)", "Method 'plusHours' is not allowed on LocalDate"),
        ("LocalDate.of(2024, 1, 5).plus(Duration.ofHours(1))", "Unsupported unit: Seconds"),
        ("LocalDate.of(2024, 1, 5).format(DateTimeFormatter.ofPattern('HH:mm'))",
         "Unsupported field: HourOfDay"),
        ("DateTimeFormatter.ofPattern('dd.MM.yyyy').format(Instant.now())",
         "Unsupported field: DayOfMonth"),
        ("DateTimeFormatter.ofPattern('ddd')", "Too many pattern letters: d"),
        ("DateTimeFormatter.ofPattern('bb')", "Unknown pattern letter: b"),
        ("ZoneId.of('Mars/Olympus')", "Unknown time-zone ID: Mars/Olympus"),
        ("ZoneId.of('../../etc/passwd')", "Invalid ID for region-based ZoneId"),
        ("Instant.now().plusDays(1)", "Method 'plusDays' is not allowed on Instant"),
        ("Instant.now().plus(1, ChronoUnit.MONTHS)", "Unsupported unit: Months"),
        ("LocalDate.now() < LocalDateTime.now()", "Cannot compare java.time.LocalDate"),
        ("YearMonth.of(2023, 2).atDay(29)", "Invalid date 'FEBRUARY 29'"),
        ("YearMonth.of(2024, 13)", "Invalid value for MonthOfYear (valid values 1 - 12): 13"),
        ("YearMonth.parse('2024-1')", "Text '2024-1' could not be parsed"),
        ("YearMonth.of(2024, 1).format(DateTimeFormatter.ofPattern('dd.MM.yyyy'))",
         "Unsupported field: DayOfMonth"),
        ("YearMonth.from(Instant.now())", "Unable to obtain YearMonth from TemporalAccessor"),
        ("YearMonth.of(2024, 1) < LocalDate.now()", "Cannot compare java.time.YearMonth"),
        ("Year.of(2023).atDay(366)", "Invalid date 'DayOfYear 366' as '2023' is not a leap year"),
        ("Year.of(2024).format(DateTimeFormatter.ofPattern('MM/yyyy'))",
         "Unsupported field: MonthOfYear"),
        ("Year.parse('24')", "Text '24' could not be parsed at index 0"),
    ],
)
def test_mistakes_fail_the_script_with_javas_message(source: str, message: str):
    with pytest.raises(GroovyRuntimeError) as raised:
        run(source)
    assert message in raised.value.message


def test_a_java_time_exception_is_caught_as_a_runtime_exception():
    assert run(
        "try { LocalDate.parse('soon') } catch (RuntimeException e) { 'no date' }"
    ) == "no date"


def test_instants_and_zoned_date_times_leave_a_script_as_dates():
    stored: dict[str, Any] = {}
    bindings = Bindings(now=NOW, store=stored.__setitem__)
    run_groovy(parse_groovy(
        "due = ZonedDateTime.of(LocalDateTime.of(2024, 1, 5, 10, 0), ZoneId.of('Europe/Berlin'))"
        "\nstarted = Instant.now()\nstamps = [Instant.EPOCH]"
    ), bindings)
    assert stored["due"] == datetime(2024, 1, 5, 9, tzinfo=UTC)
    assert stored["due"].utcoffset() == timedelta(0)
    assert stored["started"] == NOW
    assert stored["stamps"] == [datetime(1970, 1, 1, tzinfo=UTC)]


@pytest.mark.parametrize(
    ("source", "advice"),
    [
        ("LocalDate.of(2024, 1, 5)", "a java.time.LocalDate cannot be stored as a process "
         "variable: store date.toString()"),
        ("LocalDateTime.now()", "Date.from(dateTime.atZone(zone).toInstant())"),
        ("Duration.ofHours(1)", "store duration.toString() (\"PT1H30M\""),
        ("Period.ofDays(1)", "a java.time.Period cannot be stored"),
        ("DayOfWeek.MONDAY", "store its toString()"),
    ],
)
def test_values_without_an_instant_are_refused_as_variables_saying_how(
    source: str, advice: str
):
    with pytest.raises(GroovyRuntimeError) as raised:
        run_groovy(parse_groovy(f"due = {source}"), Bindings(now=NOW, store=lambda n, v: None))
    assert advice in raised.value.message
    assert raised.value.line == 1


def test_method_pointers_call_the_method_they_point_at():
    assert run("def fmt(d) { d.format(DateTimeFormatter.ofPattern('dd.MM.')) }\n"
               "[LocalDate.of(2024, 1, 5), LocalDate.of(2024, 2, 1)].collect(this.&fmt)"
               ) == ["05.01.", "01.02."]
    assert run("def seen = []\n[1, 2].each(seen.&add)\nseen") == [1, 2]
    assert run("[1, 2].each(System.out.&println)") == [1, 2]
    assert run("def upper = 'abc'.&toUpperCase\nupper() + upper.call()") == "ABCABC"
    assert run("def plus = LocalDate.of(2024, 1, 5).&plusDays\nplus(2).toString()") == (
        "2024-01-07"
    )


def test_a_method_pointer_to_what_is_not_there_fails_when_called():
    with pytest.raises(GroovyRuntimeError) as raised:
        run("def f = 'abc'.&nothing\nf()")
    assert "nothing" in raised.value.message
    with pytest.raises(GroovyRuntimeError) as raised:
        run("[1].collect(this.&missing)")
    assert raised.value.message == "No such method: missing for class: Script"
    with pytest.raises(GroovySyntaxError) as raised:
        parse_groovy("def f = x.&'name'")
    assert "expected a method name after '.&'" in raised.value.message


def test_method_pointer_calls_count_against_the_step_budget():
    bindings = Bindings(now=NOW, max_steps=50)
    with pytest.raises(GroovyLimitError):
        run_groovy(parse_groovy("def seen = []\n(1..100).each(seen.&add)"), bindings)


def test_static_imports_name_the_sandbox_classes_members():
    assert run(
        "import static java.lang.Math.max\nimport static java.lang.Math.*\n"
        "import static java.time.temporal.ChronoUnit.DAYS\n"
        "[max(2, 7), min(2, 7), Math.round(PI * 100), DAYS.between("
        "java.time.LocalDate.of(2024, 1, 1), java.time.LocalDate.of(2024, 3, 1))]"
    ) == [7, 2, 314, 60]
    assert run(
        "import static java.time.DayOfWeek.*\n"
        "java.time.LocalDate.of(2024, 1, 5).getDayOfWeek() == FRIDAY"
    ) is True
    assert run("import static java.lang.Integer.parseInt\nparseInt('42') + 1") == 43


def test_a_script_name_comes_before_a_static_import():
    assert run(
        "import static java.lang.Math.max\ndef max(a, b) { 'mine' }\nmax(1, 2)"
    ) == "mine"
    assert run("import static java.lang.Math.PI\ndef PI = 3\nPI") == 3


def test_every_class_offered_for_static_import_is_there():
    for names in STATIC_PACKAGES.values():
        for name in names:
            assert static_members(name)


@pytest.mark.parametrize(
    ("source", "result"),
    [
        ("YearMonth.of(2024, 1).toString()", "2024-01"),
        ("YearMonth.of(2024, Month.FEBRUARY).atEndOfMonth().toString()", "2024-02-29"),
        ("YearMonth.of(2023, 2).lengthOfMonth()", 28),
        ("YearMonth.of(2024, 1).plusMonths(13).toString()", "2025-02"),
        ("YearMonth.of(2024, 1).minusMonths(1).toString()", "2023-12"),
        ("YearMonth.of(2024, 3).minusYears(1).withMonth(12).toString()", "2023-12"),
        ("YearMonth.now().toString()", "2026-03"),
        ("YearMonth.now(ZoneId.of('Pacific/Honolulu')).monthValue", 3),
        ("YearMonth.parse('2024-07').atDay(15).toString()", "2024-07-15"),
        ("YearMonth.parse('07/2024', DateTimeFormatter.ofPattern('MM/yyyy')).year", 2024),
        ("YearMonth.from(LocalDate.of(2024, 5, 31)).toString()", "2024-05"),
        ("YearMonth.from(LocalDateTime.of(2024, 5, 31, 23, 0)).month.toString()", "MAY"),
        ("YearMonth.of(2024, 1).format(DateTimeFormatter.ofPattern('MMMM yyyy'))",
         "January 2024"),
        ("YearMonth.of(2024, 1).isBefore(YearMonth.of(2024, 2))", True),
        ("YearMonth.of(2024, 1) == YearMonth.parse('2024-01')", True),
        ("YearMonth.of(2024, 2).leapYear && YearMonth.of(2024, 2).isValidDay(29)", True),
        ("[YearMonth.of(2024, 3), YearMonth.of(2023, 12)].sort()*.toString()",
         ["2023-12", "2024-03"]),
        ("Year.of(2024).toString()", "2024"),
        ("Year.now().value", 2026),
        ("Year.of(2024).leap && !Year.isLeap(2023) && Year.of(2023).length() == 365", True),
        ("Year.of(2024).atDay(60).toString()", "2024-02-29"),
        ("Year.of(2024).atMonth(Month.MARCH).atEndOfMonth().toString()", "2024-03-31"),
        ("Year.parse('2030').minusYears(4).isBefore(Year.of(2027))", True),
        ("Year.parse('FY 2025', DateTimeFormatter.ofPattern(\"'FY' yyyy\")).plusYears(1).value",
         2026),
        ("Year.from(LocalDate.of(2024, 5, 31)) == Year.of(2024)", True),
        ("Year.of(2024).format(DateTimeFormatter.ofPattern('yy'))", "24"),
    ],
)
def test_year_months_and_years_answer_as_in_java(source: str, result: Any):
    # A telecom or billing process counts periods in months and years (java.time.YearMonth,
    # java.time.Year).
    assert run(f"import java.time.YearMonth\nimport java.time.Year\n{source}") == result


@pytest.mark.parametrize(
    ("source", "advice"),
    [("YearMonth.of(2024, 1)", 'store yearMonth.toString() ("2024-01")'),
     ("Year.of(2024)", "store year.getValue() (a number)")],
)
def test_a_year_month_or_year_is_refused_as_a_variable_saying_how(source: str, advice: str):
    with pytest.raises(GroovyRuntimeError) as raised:
        run_groovy(parse_groovy(f"period = {source}"), Bindings(now=NOW, store=lambda n, v: None))
    assert advice in raised.value.message
