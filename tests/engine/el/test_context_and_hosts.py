from datetime import UTC, datetime

import pytest

from engine.el import (
    DateTimeValue,
    EvaluationContext,
    ExpressionError,
    VariableScope,
    compile_expression,
)
from tests.engine.el.support import NOW, ExampleExecution, evaluate


class Scope:
    def __init__(self, values):
        self.values = values

    def has_variable(self, name):
        return name in self.values

    def get_variable(self, name):
        return self.values[name]


def run(text, **kwargs):
    return compile_expression(text).evaluate(EvaluationContext(**kwargs))


def test_variables_come_from_a_variable_scope():
    scope = Scope({"approved": True})
    assert isinstance(scope, VariableScope)
    assert run("${approved}", variables=scope) is True


def test_a_variable_holding_null_resolves_to_null():
    assert run("${x}", variables=Scope({"x": None})) is None


def test_variables_come_from_a_callable_that_raises_key_error_when_missing():
    values = {"a": 1}
    assert run("${a}", variables=values.__getitem__) == 1
    with pytest.raises(ExpressionError, match="Cannot resolve identifier 'b'"):
        run("${b}", variables=values.__getitem__)


def test_beans_are_resolved_before_variables():
    execution = ExampleExecution({})
    context = EvaluationContext({"execution": "shadowed"}, beans={"execution": execution})
    assert compile_expression("${execution.id}").evaluate(context) == "exec-1"


def test_a_bean_that_is_a_plain_value_resolves_as_a_delegate_reference():
    assert run("${sendSmsDelegate}", beans={"sendSmsDelegate": "bean"}) == "bean"


def test_host_methods_listed_in_el_methods_are_callable():
    execution = ExampleExecution({"x": 7})
    assert run("${execution.getVariable('x') + 1}", beans={"execution": execution}) == 8
    assert run("${execution.getBusinessKey()}", beans={"execution": execution}) == "order-7"


def test_host_methods_may_change_state():
    execution = ExampleExecution({})
    run("${execution.setVariable('y', 3)}", beans={"execution": execution})
    assert execution.variables == {"y": 3}


def test_host_properties_listed_in_el_properties_are_readable():
    execution = ExampleExecution({})
    assert run("${execution.businessKey}", beans={"execution": execution}) == "order-7"
    assert run("${execution['id']}", beans={"execution": execution}) == "exec-1"


def test_host_methods_not_listed_are_refused():
    context = {"beans": {"execution": ExampleExecution({})}}
    with pytest.raises(ExpressionError, match="Method 'delete_everything' is not allowed on"):
        run("${execution.delete_everything()}", **context)
    with pytest.raises(ExpressionError, match="Property 'secret' is not allowed on"):
        run("${execution.secret}", **context)


def test_a_host_method_with_the_wrong_argument_count_is_an_expression_error():
    with pytest.raises(ExpressionError, match="does not take 2 argument"):
        run("${execution.getVariable('a', 'b')}", beans={"execution": ExampleExecution({})})


def test_an_exception_raised_by_a_host_method_propagates_unchanged():
    class Boom(Exception):
        pass

    class Failing(ExampleExecution):
        def get_id(self):
            raise Boom

    with pytest.raises(Boom):
        run("${execution.getId()}", beans={"execution": Failing({})})


def test_now_returns_the_context_time_not_the_system_time():
    assert run("${now()}", now=datetime(2020, 1, 2, 3, 4, 5)) == datetime(
        2020, 1, 2, 3, 4, 5, tzinfo=UTC
    )


def test_now_without_a_context_time_is_an_error():
    with pytest.raises(ExpressionError, match="Function 'now' needs the evaluation time"):
        run("${now()}")


def test_date_time_supports_joda_arithmetic_and_to_date():
    assert evaluate("${dateTime().plusWeeks(1).toDate()}") == datetime(
        2026, 3, 21, 9, 26, 53, tzinfo=UTC
    )
    assert evaluate("${dateTime().plusMonths(11).minusDays(1).plusHours(2).toDate()}") == (
        datetime(2027, 2, 13, 11, 26, 53, tzinfo=UTC)
    )
    assert evaluate("${dateTime().withTimeAtStartOfDay().toDate()}") == datetime(
        2026, 3, 14, tzinfo=UTC
    )


def test_joda_field_getters_read_the_date_time():
    # NOW is Saturday 2026-03-14 09:26:53 UTC
    assert evaluate("${dateTime().getYear()}") == 2026
    assert evaluate("${dateTime().monthOfYear}") == 3
    assert evaluate("${dateTime().getDayOfMonth()}") == 14
    assert evaluate("${dateTime().dayOfWeek}") == 6
    assert evaluate("${dateTime().getDayOfYear()}") == 73
    assert evaluate("${dateTime().plusHours(1).hourOfDay}") == 10
    assert evaluate("${dateTime().minuteOfHour * 100 + dateTime().secondOfMinute}") == 2653


def test_plus_months_clamps_to_the_end_of_the_month():
    value = DateTimeValue(datetime(2026, 1, 31, tzinfo=UTC)).plus_months(1)
    assert value.to_date() == datetime(2026, 2, 28, tzinfo=UTC)


def test_date_methods_are_allowed_on_now():
    assert evaluate("${now().getTime()}") == int(NOW.timestamp() * 1000)
    assert evaluate("${now().before(dateTime().plusSeconds(1).toDate())}") is True
    assert evaluate("${dateTime().isAfter(now())}") is False


def test_custom_functions_are_called_with_their_arguments():
    assert run("${twice(21)}", functions={"twice": lambda n: n * 2}) == 42


def test_an_unknown_function_is_an_error():
    with pytest.raises(ExpressionError, match="Unknown function 'currentUser'"):
        run("${currentUser()}")


def test_a_function_called_with_the_wrong_arguments_is_an_error():
    with pytest.raises(ExpressionError, match="Function 'now' does not take 1 argument"):
        evaluate("${now(1)}")
