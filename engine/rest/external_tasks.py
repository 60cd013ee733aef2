"""`/engine-rest/external-task`: Camunda 7's external task resource, as Django async views.

`POST /external-task/fetchAndLock` long-polls (`asyncResponseTimeout`): a waiting request is
a suspended coroutine and a future in `engine.jobs.long_polling`, never a thread or a
database connection. DRF has no async views, so every view here authenticates HTTP Basic by
hand through Django's `authenticate()`, and maps engine errors to Camunda's bodies itself.
The database work runs in a small shared thread pool (`sync_to_async(thread_sensitive=
False)`), never in a thread of its own per request.

Reads show a task only to who may READ its process instance or READ_INSTANCE its process
definition (Camunda's ExternalTaskQuery check); the services check the writes.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, TypeVar

from asgiref.sync import sync_to_async
from django.core.exceptions import RequestDataTooBig
from django.db import close_old_connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from config.nul_characters import nul_in_json, nul_message
from engine.errors import REFUSED
from engine.jobs.long_polling import long_poll
from engine.models import ExternalTask
from engine.queries import external_tasks as reads
from engine.rest.base import require_read_instance
from engine.rest.basic_auth import verify_credentials
from engine.rest.dates import format_date
from engine.rest.errors import CamundaError, camunda_exception_handler, error_body, too_large
from engine.rest.external_task_filters import (
    EXTERNAL_TASK_QUERY,
    filter_external_tasks,
    readable_tasks,
)
from engine.rest.params import Kind, ListQuery, Param, invalid_request
from engine.rest.variables import read_variables, write_variables
from engine.services import external_task_lock as locking
from engine.services import external_tasks as service

T = TypeVar("T")
MAX_ASYNC_RESPONSE_TIMEOUT = 1_800_000  # ms; Camunda's FetchAndLockHandlerImpl limit

# -- plumbing ---------------------------------------------------------------------------------


async def db(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run ORM work in the shared pool; the connection follows Django's per-request rule
    (CONN_MAX_AGE), as a sync view's would."""

    def call() -> T:
        try:
            return fn(*args, **kwargs)
        finally:
            close_old_connections()

    return await sync_to_async(call, thread_sensitive=False)()


async def authenticate_basic(request: HttpRequest) -> Any:
    """The active user named by the request's `Authorization: Basic` header, or None."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic" or not token:
        return None
    try:
        decoded = base64.b64decode(token.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    username, colon, password = decoded.partition(":")
    if not colon:
        return None
    # Verified credentials are remembered briefly (engine/rest/basic_auth.py).
    return await db(verify_credentials, request, username, password)


def _error(status: int, error_type: str, message: str) -> JsonResponse:
    return JsonResponse(error_body(error_type, message), status=status)


View = Callable[..., Awaitable[HttpResponse]]


def endpoint(*methods: str) -> Callable[[View], View]:
    """An async REST view: Basic auth, allowed methods, Camunda-shaped errors."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        async def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = await authenticate_basic(request)
            if user is None:
                response = _error(401, "AuthenticationException", "Unauthorized")
                response["WWW-Authenticate"] = 'Basic realm="default"'
                return response
            if request.method not in methods:
                response = _error(405, "RestException", f"Method {request.method} not allowed")
                response["Allow"] = ", ".join(methods)
                return response
            request.user = user
            try:
                return await view(request, *args, **kwargs)
            except (*REFUSED, CamundaError) as error:
                # what the command refused (a failing expression after the worker's
                # completion, an uncaught BPMN error by setting) answers as Camunda does
                mapped = camunda_exception_handler(error, {})
                assert mapped is not None
                return JsonResponse(mapped.data, status=mapped.status_code)

        wrapper.http_methods = methods  # type: ignore[attr-defined]  # read by the OpenAPI test
        # Workers send Basic credentials, never a session cookie: no CSRF token to check.
        return csrf_exempt(wrapper)

    return decorate


def _body(request: HttpRequest) -> dict[str, Any]:
    try:
        text = request.body
    except RequestDataTooBig:
        raise too_large() from None
    if not text:
        return {}
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError):
        raise invalid_request("The request body is not valid JSON") from None
    if not isinstance(data, dict):
        raise invalid_request("The request body must be a JSON object")
    where = nul_in_json(data)
    if where is not None:
        raise invalid_request(nul_message(where))
    return data


# Camunda reads these numbers into Java ints and longs; a duration must keep the date it
# sets within the calendar.
INT_BITS, LONG_BITS = 32, 64
MAX_DURATION_MS = 1000 * 365 * 24 * 3600 * 1000


def _int(
    data: dict[str, Any], name: str, default: int | None = None, *, bits: int = LONG_BITS
) -> int | None:
    value = data.get(name, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or int(value) != value:
        raise invalid_request(f"'{name}' must be an integer")
    if not -(2 ** (bits - 1)) <= value < 2 ** (bits - 1):
        raise invalid_request(f"'{name}' is out of range for a {bits}-bit integer")
    return int(value)


def _duration(data: dict[str, Any], name: str, default: int | None = None) -> int | None:
    value = _int(data, name, default)
    if value is not None and value > MAX_DURATION_MS:
        raise invalid_request(
            f"'{name}' must be at most {MAX_DURATION_MS} milliseconds (1000 years)"
        )
    return value


def _user_id(request: HttpRequest) -> str:
    return str(request.user.get_username())  # type: ignore[union-attr]


NO_CONTENT = 204


def _no_content() -> HttpResponse:
    return HttpResponse(status=NO_CONTENT)


# -- DTOs -------------------------------------------------------------------------------------


def task_dto(row: ExternalTask, facts: tuple[str | None, str | None]) -> dict[str, Any]:
    """Camunda's ExternalTaskDto."""
    return {
        "activityId": row.activity_id,
        "activityInstanceId": row.activity_instance_id,
        "errorMessage": row.error_message,
        "executionId": row.execution_id,
        "id": row.id,
        "lockExpirationTime": format_date(row.lock_expiration_time),
        "createTime": format_date(row.created),
        "processDefinitionId": row.process_definition_id,
        "processDefinitionKey": row.process_definition_key,
        "processDefinitionVersionTag": facts[0],
        "processInstanceId": row.process_instance_id,
        "tenantId": facts[1],
        "retries": row.retries,
        "suspended": row.suspended,
        "workerId": row.worker_id,
        "topicName": row.topic_name,
        "priority": row.priority,
        "businessKey": row.business_key,
    }


def locked_dto(task: service.LockedExternalTask) -> dict[str, Any]:
    """Camunda's LockedExternalTaskDto: the ExternalTaskDto fields (`createTime` after
    `lockExpirationTime`, as Camunda's fetchAndLock examples show it) and what a worker needs."""
    row = task.row
    dto = task_dto(row, (task.version_tag, task.tenant_id))
    dto["errorDetails"] = row.error_details
    dto["variables"] = write_variables(task.variables, deserialize=task.deserialize_values)
    dto["extensionProperties"] = task.extension_properties
    return dto


# -- fetch and lock ---------------------------------------------------------------------------


def _topic(data: Any) -> service.TopicRequest:
    if not isinstance(data, dict) or not data.get("topicName"):
        raise invalid_request("Every topic needs a 'topicName'")
    names = data.get("variables")
    lock = _duration(data, "lockDuration")
    if lock is None:
        raise invalid_request("lockDuration is null")

    def strings(name: str) -> list[str]:
        value = data.get(name) or []
        if not isinstance(value, list):
            raise invalid_request(f"'{name}' must be a list")
        return [str(v) for v in value]

    process_variables = data.get("processVariables") or {}
    if not isinstance(process_variables, dict):
        raise invalid_request("'processVariables' must be an object")
    return service.TopicRequest(
        topic_name=str(data["topicName"]),
        lock_duration=lock,
        variables=None if names is None else strings("variables"),
        local_variables=bool(data.get("localVariables", False)),
        business_key=data.get("businessKey"),
        process_definition_id=data.get("processDefinitionId"),
        process_definition_id_in=strings("processDefinitionIdIn"),
        process_definition_key=data.get("processDefinitionKey"),
        process_definition_key_in=strings("processDefinitionKeyIn"),
        process_definition_version_tag=data.get("processDefinitionVersionTag"),
        process_variables=process_variables,
        tenant_id_in=strings("tenantIdIn"),
        without_tenant_id=bool(data.get("withoutTenantId", False)),
        deserialize_values=bool(data.get("deserializeValues", False)),
        include_extension_properties=bool(data.get("includeExtensionProperties", False)),
    )


@endpoint("POST")
async def fetch_and_lock(request: HttpRequest) -> HttpResponse:
    """POST /external-task/fetchAndLock, answered at once when tasks are there, else when one
    is created or `asyncResponseTimeout` (ms) passes (then with `[]`)."""
    body = _body(request)
    timeout = _int(body, "asyncResponseTimeout", 0) or 0
    if timeout > MAX_ASYNC_RESPONSE_TIMEOUT:
        raise invalid_request(
            "The asynchronous response timeout cannot be set to a value greater than "
            f"{MAX_ASYNC_RESPONSE_TIMEOUT} milliseconds"
        )
    topics_data = body.get("topics") or []
    if not isinstance(topics_data, list):
        raise invalid_request("'topics' must be a list")
    topics = [_topic(t) for t in topics_data]
    sorting_data = body.get("sorting") or []
    if not isinstance(sorting_data, list):
        raise invalid_request("'sorting' must be a list of {sortBy, sortOrder}")
    sorting = [
        (str(s.get("sortBy")), str(s.get("sortOrder", "asc")))
        for s in sorting_data
        if isinstance(s, dict)
    ]
    worker_id = str(body.get("workerId") or "")
    max_tasks = _int(body, "maxTasks", 1, bits=INT_BITS) or 0
    use_priority = bool(body.get("usePriority", False))
    user_id = _user_id(request)

    fetched_at: list[datetime] = []  # when the last fetch began

    async def fetch() -> list[dict[str, Any]]:
        fetched_at[:] = [timezone.now()]
        locked = await db(
            service.fetch_and_lock,
            worker_id,
            max_tasks,
            topics,
            use_priority=use_priority,
            sorting=sorting,
            user_id=user_id,
        )
        return [locked_dto(task) for task in locked]

    names = [t.topic_name for t in topics]

    async def soonest() -> float | None:
        # a lock that ran out between the last fetch and now is due at once
        return await db(reads.seconds_until_available, names, fetched_at[0])

    found = await long_poll(fetch, names, timeout / 1000, soonest)
    return JsonResponse(found, safe=False)


# -- the other resources ----------------------------------------------------------------------

def _query(request: HttpRequest) -> tuple[Any, Any]:
    # POST is Camunda's query form: the same filters as a JSON body, `sorting` a list.
    body = _body(request) if request.method == "POST" else None
    parsed = EXTERNAL_TASK_QUERY.parse(request.GET, body)
    rows = filter_external_tasks(request, parsed.filters)
    return rows.order_by(*parsed.order_by), parsed.page


def _list(request: HttpRequest) -> list[dict[str, Any]]:
    rows, page = _query(request)
    found = list(page.apply(rows))
    facts = reads.definition_facts(found)
    return [task_dto(row, facts.get(row.process_definition_id, (None, None))) for row in found]


@endpoint("GET", "POST")
async def external_task_list(request: HttpRequest) -> HttpResponse:
    return JsonResponse(await db(_list, request), safe=False)


@endpoint("GET", "POST")
async def external_task_count(request: HttpRequest) -> HttpResponse:
    count = await db(lambda: _query(request)[0].count())
    return JsonResponse({"count": count})


def _readable_task(request: HttpRequest, external_task_id: str) -> ExternalTask:
    """The task, or 404; 403 when the caller may not read its process instance."""
    row = reads.get_external_task(external_task_id)
    require_read_instance(request, row.process_instance_id, row.process_definition_id)
    return row


def _one(request: HttpRequest, external_task_id: str) -> dict[str, Any]:
    row = _readable_task(request, external_task_id)
    facts = reads.definition_facts([row])
    return task_dto(row, facts.get(row.process_definition_id, (None, None)))


@endpoint("GET")
async def external_task_detail(request: HttpRequest, external_task_id: str) -> HttpResponse:
    return JsonResponse(await db(_one, request, external_task_id))


@endpoint("GET")
async def error_details(request: HttpRequest, external_task_id: str) -> HttpResponse:
    row = await db(_readable_task, request, external_task_id)
    if row.error_details is None:  # Camunda answers the null text as a 204
        return HttpResponse(status=204)
    return HttpResponse(row.error_details, content_type="text/plain; charset=utf-8")


@endpoint("GET")
async def topic_names(request: HttpRequest) -> HttpResponse:
    flags = ListQuery(
        filters=(
            Param("withLockedTasks", Kind.BOOLEAN),
            Param("withUnlockedTasks", Kind.BOOLEAN),
            Param("withRetriesLeft", Kind.BOOLEAN),
        ),
        sort_fields={},
    ).parse_filters(request.GET)
    names = await db(
        lambda: reads.topic_names(
            with_locked_tasks=flags.get("withLockedTasks", False),
            with_unlocked_tasks=flags.get("withUnlockedTasks", False),
            with_retries_left=flags.get("withRetriesLeft", False),
            readable=readable_tasks(request),
        )
    )
    return JsonResponse(names, safe=False)


def _not_found_as_rest(external_task_id: str, call: Callable[[], None]) -> None:
    """Camunda's resource turns the engine's NotFoundException into its own 404 text."""
    from engine.errors import NotFoundError

    try:
        call()
    except NotFoundError:
        raise CamundaError(
            404,
            "InvalidRequestException",
            f"External task with id {external_task_id} does not exist",
        ) from None


@endpoint("POST")
async def complete(request: HttpRequest, external_task_id: str) -> HttpResponse:
    body = _body(request)
    variables = read_variables(body.get("variables"))
    local = read_variables(body.get("localVariables"), "localVariables")
    worker_id = str(body.get("workerId") or "")
    user_id = _user_id(request)
    await db(
        _not_found_as_rest,
        external_task_id,
        lambda: service.complete(external_task_id, worker_id, variables, local, user_id=user_id),
    )
    return _no_content()


@endpoint("POST")
async def failure(request: HttpRequest, external_task_id: str) -> HttpResponse:
    body = _body(request)
    worker_id = str(body.get("workerId") or "")
    retries = _int(body, "retries", bits=INT_BITS)
    if retries is None:
        raise invalid_request("retries is null")
    retry_timeout = _duration(body, "retryTimeout", 0) or 0
    user_id = _user_id(request)
    await db(
        _not_found_as_rest,
        external_task_id,
        lambda: service.handle_failure(
            external_task_id,
            worker_id,
            error_message=body.get("errorMessage"),
            error_details=body.get("errorDetails"),
            retries=retries,
            retry_timeout=retry_timeout,
            user_id=user_id,
            variables=read_variables(body.get("variables")),
            local_variables=read_variables(body.get("localVariables")),
        ),
    )
    return _no_content()


@endpoint("POST")
async def bpmn_error(request: HttpRequest, external_task_id: str) -> HttpResponse:
    body = _body(request)
    worker_id = str(body.get("workerId") or "")
    variables = read_variables(body.get("variables"))
    user_id = _user_id(request)
    await db(
        _not_found_as_rest,
        external_task_id,
        lambda: service.handle_bpmn_error(
            external_task_id,
            worker_id,
            str(body.get("errorCode") or ""),
            body.get("errorMessage"),
            variables,
            user_id=user_id,
        ),
    )
    return _no_content()


@endpoint("POST")
async def extend_lock(request: HttpRequest, external_task_id: str) -> HttpResponse:
    body = _body(request)
    worker_id = str(body.get("workerId") or "")
    duration = _duration(body, "newDuration")
    user_id = _user_id(request)
    await db(
        _not_found_as_rest,
        external_task_id,
        lambda: service.extend_lock(external_task_id, worker_id, duration or 0, user_id=user_id),
    )
    return _no_content()


@endpoint("POST")
async def lock(request: HttpRequest, external_task_id: str) -> HttpResponse:
    body = _body(request)
    worker_id = str(body.get("workerId") or "")
    duration = _duration(body, "lockDuration") or 0
    user_id = _user_id(request)
    await db(
        _not_found_as_rest,
        external_task_id,
        lambda: locking.lock(external_task_id, worker_id, duration, user_id=user_id),
    )
    return _no_content()


@endpoint("POST")
async def unlock(request: HttpRequest, external_task_id: str) -> HttpResponse:
    user_id = _user_id(request)
    await db(service.unlock, external_task_id, user_id=user_id)
    return _no_content()


@endpoint("PUT")
async def set_retries(request: HttpRequest, external_task_id: str) -> HttpResponse:
    retries = _int(_body(request), "retries", bits=INT_BITS)
    if retries is None:
        raise invalid_request("retries is null")
    user_id = _user_id(request)
    await db(service.set_retries, external_task_id, retries, user_id=user_id)
    return _no_content()


@endpoint("PUT")
async def set_priority(request: HttpRequest, external_task_id: str) -> HttpResponse:
    priority = _int(_body(request), "priority")
    if priority is None:
        raise invalid_request("priority is null")
    user_id = _user_id(request)
    await db(service.set_priority, external_task_id, priority, user_id=user_id)
    return _no_content()
