"""java.time for Groovy scripts: dates, times, zones, durations, periods and formatters, as
immutable values of the script's own with the methods Java has (engine/groovy/java_time/).

How they leave a script (a variable set, a value returned): a point on the time line
(Instant, ZonedDateTime, OffsetDateTime) becomes a Date, the type Camunda stores dates as;
a value without a zone (LocalDate, LocalDateTime, LocalTime) or an amount (Duration,
Period) has no Date or other typed value that means the same, so it is refused with a
message saying how to store it (Camunda 7 would try Java serialization, which it refuses
by default).
"""

from __future__ import annotations

from datetime import UTC, datetime

from engine.groovy.errors import GroovyRuntimeError
from engine.groovy.java_time.base import TimeValue
from engine.groovy.java_time.statics import java_time_classes
from engine.groovy.java_time.zoned import Instant, ZonedDateTime

# The classes a script may import or name fully qualified, by their package.
JAVA_TIME_PACKAGES: dict[str, tuple[str, ...]] = {
    "java.time": ("LocalDate", "LocalTime", "LocalDateTime", "Instant", "ZonedDateTime",
                  "OffsetDateTime", "ZoneId", "ZoneOffset", "Duration", "Period", "DayOfWeek",
                  "Month", "YearMonth", "Year"),
    "java.time.format": ("DateTimeFormatter",),
    "java.time.temporal": ("ChronoUnit", "TemporalAdjusters"),
}


def to_process_value(value: TimeValue) -> datetime:
    """What a java.time value is as a process variable: a Date, or a clear refusal."""
    if isinstance(value, Instant | ZonedDateTime):
        return value.value.astimezone(UTC)  # a Date is an instant: its zone is not kept
    kind = type(value).__name__
    hint = {
        "LocalDate": "store date.toString() (\"2024-01-05\"), or a Date with "
                     "Date.from(date.atStartOfDay(zone).toInstant())",
        "LocalDateTime": "store dateTime.toString(), or a Date with "
                         "Date.from(dateTime.atZone(zone).toInstant())",
        "Duration": "store duration.toString() (\"PT1H30M\", an ISO 8601 duration as timers "
                    "take) or a number such as duration.toMinutes()",
        "Period": "store period.toString() (\"P1M\") or a number such as period.days",
        "Year": "store year.getValue() (a number) or year.toString()",
        "YearMonth": "store yearMonth.toString() (\"2024-01\"), or a Date of its first day "
                     "with Date.from(yearMonth.atDay(1).atStartOfDay(zone).toInstant())",
    }.get(kind, "store its toString()")
    raise GroovyRuntimeError(
        f"a java.time.{kind} cannot be stored as a process variable: {hint}"
    )


__all__ = ["JAVA_TIME_PACKAGES", "TimeValue", "java_time_classes", "to_process_value"]
