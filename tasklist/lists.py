"""The task lists: "My tasks", "My groups' tasks", "All tasks" and saved filters.

A list is a set of `engine.queries.list_tasks` filters plus search, sort and page, all read from
the query string so that every view of the tasklist is a shareable URL. Rows are annotated
with their process name and business key in the same query, and a saved filter's variable
columns are read for the whole page at once (tasklist/card_variables.py): the number of
statements a list costs does not depend on its length. A filter's list also sorts by one of
its variables (`sort=var:<name>`): the value the task sees nearest, missing values last.
Without a sort in the URL a filter's list sorts as the filter's stored sorting says
(tasklist/stored_sorting.py), else by creation, newest first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.http import QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import urlencode

from engine.errors import BadRequestError
from engine.models import ProcessDefinition, ProcessInstance, Task, VariableInstance
from engine.queries import list_tasks
from engine.queries.variable_order import VariableScope, order_by_variable
from identity.authorization import Identity, identity_of
from tasklist.access import can_see_all, visible, who
from tasklist.card_variables import card_variables
from tasklist.filters import (
    CURRENT_USER,
    CURRENT_USER_GROUPS,
    DATE_KEYS,
    FILTER_KEYS,
    MAX_NAME,
    readable_filters,
    variable_columns,
)
from tasklist.models import TaskFilter
from tasklist.stored_sorting import (
    FILTER_ORDER,
    VARIABLE_SORT,
    as_control_sort,
    camunda_sorting,
    field_order,
    order_terms,
    stored_sorting,
    variable_type,
)

LISTS = {"mine": "My tasks", "group": "My groups' tasks", "all": "All tasks"}
SORTS = {
    "created": ("created", "Created"),
    "due": ("due_date", "Due date"),
    "followUp": ("follow_up_date", "Follow-up date"),
    "priority": ("priority", "Priority"),
    "lastUpdated": ("last_updated", "Last updated"),
}
PAGE_SIZE = 50
MAX_SEARCH = 255


@dataclass(frozen=True)
class ListParams:
    """One view of the tasklist, as its URL spells it."""

    list: str = "group"
    filter_id: int | None = None
    q: str = ""
    sort: str = ""  # none picked: the filter's stored sorting, else "created"
    order: str = ""  # none picked: the sort's own direction (default_order)
    page: int = 1

    @staticmethod
    def from_query(query: QueryDict | Mapping[str, str]) -> ListParams:
        name = query.get("list") or "group"
        filter_id = None
        if name.startswith("filter-") and name[7:].isdigit():
            filter_id = int(name[7:])
        elif name not in LISTS:
            name = "group"
        sort = query.get("sort") or ""
        order = query.get("order") or ""
        try:
            page = max(1, min(int(query.get("page") or 1), 10_000))
        except ValueError:
            page = 1
        by_variable = sort.startswith(VARIABLE_SORT) and 0 < len(sort) - 4 <= MAX_NAME
        return ListParams(
            list=name,
            filter_id=filter_id,
            q=(query.get("q") or "").strip()[:MAX_SEARCH],
            sort=sort if sort in SORTS or sort == FILTER_ORDER or by_variable else "",
            order=order if order in ("asc", "desc") else "",
            page=page,
        )

    def query_string(self, **changes: Any) -> str:
        changed = replace(self, **changes)
        pairs = {"list": changed.list, "q": changed.q, "sort": changed.sort}
        pairs["order"] = changed.order
        if changed.page > 1:
            pairs["page"] = str(changed.page)
        return urlencode({k: v for k, v in pairs.items() if v})


def default_order(sort: str) -> str:
    """A sort's own direction: the nearest dates first, else newest or highest first."""
    return "asc" if sort in ("due", "followUp") else "desc"


@dataclass(frozen=True)
class AppliedSort:
    """The order a list is shown in, as the sort control shows it."""

    sort: str  # a SORTS key, `var:<column>`, or FILTER_ORDER (the filter's stored sorting)
    order: str  # "asc" or "desc"; "" for FILTER_ORDER, whose entries carry their own
    savable: bool = False  # picked in the URL, and not what the filter stores
    terms: tuple[Any, ...] = ()  # FILTER_ORDER's ORDER BY terms

    @property
    def variable(self) -> str | None:
        """The card column the list is sorted by, if any."""
        return self.sort[len(VARIABLE_SORT) :] if self.sort.startswith(VARIABLE_SORT) else None


def applied_sort(params: ListParams, saved: TaskFilter | None, columns: list[str]) -> AppliedSort:
    """The sort the URL picks, else the filter's stored sorting, else creation (newest
    first). A variable sort applies to the filter's columns only (`columns`): another
    sorts by creation."""
    stored = stored_sorting(saved.query) if saved is not None else []
    as_stored = as_control_sort(stored, columns)
    if params.sort in ("", FILTER_ORDER) and stored:
        if as_stored is not None:
            return AppliedSort(*as_stored)
        terms = tuple(order_terms(stored))
        if terms:
            return AppliedSort(FILTER_ORDER, "", terms=terms)
    picked = params.sort not in ("", FILTER_ORDER)
    sort = params.sort if picked else "created"
    if sort.startswith(VARIABLE_SORT) and sort[len(VARIABLE_SORT) :] not in columns:
        sort = "created"
    order = params.order or default_order(sort)
    return AppliedSort(sort, order, savable=picked and as_stored != (sort, order))


def visible_filters(user: User) -> QuerySet[TaskFilter]:
    """Filters the user may read: owned, shared, or granted (`tasklist.filters`)."""
    return readable_filters(user)


def _filter_kwargs(query: Mapping[str, Any], me: Identity) -> dict[str, Any]:
    kwargs: dict[str, Any] = {}
    for key in FILTER_KEYS:
        value = query.get(key)
        if value in (None, ""):
            continue
        if value == CURRENT_USER:
            value = me.user_id
        if key in DATE_KEYS:
            value = parse_datetime(str(value))
            if value is None:
                continue
            if timezone.is_naive(value):  # read as UTC, as the REST layer reads such dates
                value = value.replace(tzinfo=UTC)
        if key == "priority":
            try:
                value = int(value)
            except (TypeError, ValueError):
                continue
        kwargs[key] = value
    if query.get("candidate_groups") == CURRENT_USER_GROUPS:
        kwargs["candidate_groups"] = sorted(me.group_ids)
    if "candidate_user" in kwargs:
        # Camunda's candidateUser also finds tasks offered to the user's groups.
        user = kwargs["candidate_user"]
        candidate = me if user == me.user_id else identity_of(user)
        kwargs["candidate_user_groups"] = sorted(candidate.group_ids) if candidate else []
    return kwargs


def search(tasks: QuerySet[Task], text: str) -> QuerySet[Task]:
    """Task name, process key or name, business key, or a variable's text or number value."""
    processes = ProcessDefinition.objects.filter(
        Q(name__icontains=text) | Q(key__icontains=text)
    ).values("id")
    keyed = ProcessInstance.objects.filter(business_key__icontains=text).values("id")
    value = Q(text_value__icontains=text)
    if text.lstrip("-").isdigit() and len(text) < 19:
        value |= Q(long_value=int(text))
    variables = VariableInstance.objects.filter(
        value, process_instance_id=OuterRef("process_instance_id")
    )
    return tasks.filter(
        Q(name__icontains=text)
        | Q(process_definition_id__in=processes)
        | Q(process_instance_id__in=keyed)
        | Q(Exists(variables))
    )


def saved_filter(user: User, params: ListParams) -> TaskFilter | None:
    """The filter a list shows, when it shows one the user may read."""
    if params.filter_id is None:
        return None
    return visible_filters(user).filter(pk=params.filter_id).first()


def base_tasks(
    user: User, params: ListParams, saved: TaskFilter | None = None
) -> QuerySet[Task] | None:
    """The tasks of a list before search and sort; None when the user may not see that list.
    `saved`: the list's filter, when the caller has read it already."""
    me = who(user)
    if params.filter_id is not None:
        if saved is None or saved.pk != params.filter_id:
            saved = saved_filter(user, params)
        if saved is None:
            return None
        query = saved.query or {}
        inner = ListParams.from_query({"list": str(query.get("list") or "all")})
        tasks = base_tasks(user, inner) if inner.filter_id is None else None
        if tasks is None:
            tasks = Task.objects.filter(visible(user))
        kwargs = _filter_kwargs(query, me)
        if kwargs:
            tasks = tasks.filter(pk__in=list_tasks(**kwargs).values("pk"))
        if query.get("search"):
            tasks = search(tasks, str(query["search"])[:MAX_SEARCH])
        return tasks
    if params.list == "mine":
        return list_tasks(assignee=me.user_id)
    if params.list == "group":
        return list_tasks(candidate_user=me.user_id, candidate_user_groups=sorted(me.group_ids))
    if params.list == "all":
        return list_tasks() if can_see_all(user) else None
    return None


def sorted_tasks(tasks: QuerySet[Task], q: str, applied: AppliedSort) -> QuerySet[Task]:
    """Searched (`q`) and sorted; ties newest first."""
    if q:
        tasks = search(tasks, q)
    if applied.sort == FILTER_ORDER:
        return tasks.order_by(*applied.terms, "-created", "id")
    descending = applied.order == "desc"
    if applied.variable is not None:
        # The value the card shows: numbers compare as numbers, dates as dates; tasks
        # without it come last.
        by_value = order_by_variable(
            applied.variable, None, VariableScope.NEAREST, descending=descending
        )
        return tasks.order_by(*by_value, "-created", "id")
    return tasks.order_by(field_order(SORTS[applied.sort][0], descending), "-created", "id")


def sorting_to_save(user: User, params: ListParams, saved: TaskFilter) -> list[dict[str, Any]]:
    """The sort `params` picks, as the filter's stored sorting (Camunda's shape); a variable
    is saved with the type most of its values around the filter's tasks have.
    BadRequestError when no sort is picked or a variable's type is not known."""
    columns = variable_columns(saved.properties)
    applied = applied_sort(params, saved, [name for name, _ in columns])
    if params.sort in ("", FILTER_ORDER):
        raise BadRequestError("Pick a sort to save on the filter")
    type_name = None
    if applied.variable is not None:
        tasks = base_tasks(user, params, saved)
        type_name = variable_type(tasks, applied.variable) if tasks is not None else None
        if type_name is None:
            label = dict(columns)[applied.variable]
            raise BadRequestError(
                f"No task of this filter has a value of “{label}” to sort by yet, so its "
                "type is not known: the sort cannot be saved"
            )
    return camunda_sorting(applied.sort, applied.order, type_name)


def with_process(tasks: QuerySet[Task]) -> QuerySet[Task]:
    """Rows carry `process_name` and `business_key` from subqueries: one statement per page."""
    return tasks.annotate(
        process_name=Subquery(
            ProcessDefinition.objects.filter(pk=OuterRef("process_definition_id")).values("name")[
                :1
            ]
        ),
        business_key=Subquery(
            ProcessInstance.objects.filter(pk=OuterRef("process_instance_id")).values(
                "business_key"
            )[:1]
        ),
    )


@dataclass
class TaskPage:
    """A page of a list; each row carries `card_variables` (CardVariable per column)."""

    rows: list[Task]
    total: int
    has_more: bool
    now: datetime
    more_query: str = ""
    list_key: str | None = None  # the side bar list whose whole count `total` is (no search)
    saved: TaskFilter | None = None  # the filter the list shows
    columns: list[tuple[str, str]] = field(default_factory=list)  # its variables: name, label
    sort: AppliedSort = AppliedSort("created", "desc")
    # The filter stores a sorting the control can only show as "Filter's order".
    filter_order: bool = False


def page_of(user: User, params: ListParams) -> TaskPage | None:
    saved = saved_filter(user, params)
    tasks = base_tasks(user, params, saved)
    if tasks is None:
        return None
    columns = variable_columns(saved.properties) if saved is not None else []
    names = [name for name, _ in columns]
    applied = applied_sort(params, saved, names)
    stored = stored_sorting(saved.query) if saved is not None else []
    tasks = sorted_tasks(tasks, params.q, applied)
    end = params.page * PAGE_SIZE
    found = list(with_process(tasks)[: end + 1])
    rows = found[:end]
    values = card_variables(rows, columns) if columns else {}
    for row in rows:
        row.card_variables = values.get(row.id, [])  # type: ignore[attr-defined]
    return TaskPage(
        rows=rows,
        total=tasks.count(),
        has_more=len(found) > end,
        now=timezone.now(),
        more_query=params.query_string(page=params.page + 1),
        list_key=params.list if params.filter_id is None and not params.q else None,
        saved=saved,
        columns=columns,
        sort=applied,
        filter_order=bool(stored) and as_control_sort(stored, names) is None,
    )


@dataclass
class ListEntry:
    key: str
    label: str
    count: int
    shared: bool = False


def list_entries(user: User, counted: TaskPage | None = None) -> list[ListEntry]:
    """The lists in the side bar with their counts (one count statement each, but none for
    the list of `counted`, a page of a whole list already counted)."""
    entries = []
    for key, label in LISTS.items():
        if key == "all" and not can_see_all(user):
            continue
        if counted is not None and counted.list_key == key:
            entries.append(ListEntry(key, label, counted.total))
            continue
        tasks = base_tasks(user, ListParams(list=key))
        assert tasks is not None
        entries.append(ListEntry(key, label, tasks.count()))
    me = who(user).user_id
    for saved in visible_filters(user):
        tasks = base_tasks(user, ListParams(list=f"filter-{saved.pk}", filter_id=saved.pk))
        if tasks is not None:
            entries.append(
                ListEntry(f"filter-{saved.pk}", saved.name, tasks.count(), saved.owner != me)
            )
    return entries
