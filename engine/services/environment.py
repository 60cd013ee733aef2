"""The runtime's environment from settings (delegates, beans, scripts, history level)."""

from __future__ import annotations

import functools

from django.conf import settings
from django.utils.module_loading import import_string

from engine.decisions import find_decision
from engine.definitions import stored_content
from engine.models import Resource
from engine.runtime.connectors import http_connectors
from engine.runtime.env import Environment
from engine.runtime.javascript import JavaScriptLimits


@functools.lru_cache(maxsize=256)
def script_resource(deployment_id: str | None, name: str) -> str | None:
    """A deployed file's text, for `camunda:resource="deployment://name"` scripts (a
    deployment's files never change, so they are kept once read)."""
    if deployment_id is None:
        return None
    try:
        content = stored_content(deployment_id, name)
    except Resource.DoesNotExist:
        return None
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        return None


def javascript_limits() -> JavaScriptLimits | None:
    """What a JavaScript script may use; None where JavaScript is switched off."""
    if not settings.LEGATO_JAVASCRIPT:
        return None
    return JavaScriptLimits(
        timeout_ms=settings.LEGATO_JAVASCRIPT_TIMEOUT_MS,
        memory_mb=settings.LEGATO_JAVASCRIPT_MEMORY_MB,
    )


@functools.cache
def environment() -> Environment:
    """Delegates and beans from settings: Java class names and bean names map to Python code,
    so a migrated model runs by configuration, not by editing it."""
    delegates = {name: import_string(path) for name, path in settings.LEGATO_DELEGATES.items()}
    beans = {name: import_string(path) for name, path in settings.LEGATO_BEANS.items()}
    return Environment(
        delegates=delegates,
        beans=beans,
        scripts_enabled=settings.LEGATO_PYTHON_SCRIPTS,
        javascript=javascript_limits(),
        script_resource=script_resource,
        groovy_max_steps=settings.LEGATO_GROOVY_MAX_STEPS,
        auto_store_script_variables=settings.LEGATO_AUTO_STORE_SCRIPT_VARIABLES,
        skip_output_mapping_on_canceled_activities=(
            settings.LEGATO_SKIP_OUTPUT_MAPPING_ON_CANCELED_ACTIVITIES
        ),
        exceptions_after_unhandled_bpmn_error=(
            settings.LEGATO_EXCEPTIONS_AFTER_UNHANDLED_BPMN_ERROR
        ),
        connectors=(
            http_connectors(settings.LEGATO_HTTP_CONNECTOR_TIMEOUT_SECONDS)
            if settings.LEGATO_HTTP_CONNECTOR
            else {}
        ),
        history=settings.LEGATO_HISTORY_LEVEL,
        decisions=find_decision,
    )
