"""`camunda:resource` of a script: where its text lives.

Camunda reads `deployment://name` from the deployment that holds the model and `classpath://`
(or a bare path) from the Java classpath. There is no classpath here: a script that is not
inline must be deployed with its model and named `deployment://`. An expression
(`${scriptPath}`) is resolved when the script runs.
"""

from __future__ import annotations

DEPLOYMENT = "deployment://"
_SCHEME = "deployment:"


class ScriptResourceError(ValueError):
    """The reference names no place a script can be read from here."""


def deployment_resource_name(reference: str) -> str:
    """The deployment resource `reference` names, or a ScriptResourceError saying why not."""
    reference = reference.strip()
    name = reference[len(_SCHEME) :].removeprefix("//") if reference.startswith(_SCHEME) else ""
    if name:
        return name
    raise ScriptResourceError(
        f"script resource '{reference}' is not in the deployment: deploy the script with the "
        f"model and refer to it as {DEPLOYMENT}<name> (there is no classpath)"
    )
