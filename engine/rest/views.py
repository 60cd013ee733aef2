"""`/engine-rest` resources that describe the engine itself."""

from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from engine.rest.errors import CamundaError

ENGINE_NAME = "default"


class EngineList(APIView):
    """GET /engine: the process engines this server runs (Camunda: one named `default`)."""

    def get(self, request: Request) -> Response:
        return Response([{"name": ENGINE_NAME}])


class UnknownResource(APIView):
    """Any other path under /engine-rest: a Camunda-shaped 404 instead of an HTML page."""

    def dispatch_unknown(self, request: Request, *args: object, **kwargs: object) -> Response:
        raise CamundaError(404, "RestException", f"No resource at {request.path}")

    get = post = put = delete = patch = dispatch_unknown


# The Camunda 7 release whose REST API Legato follows (paths, shapes, errors).
CAMUNDA_API_VERSION = "7.24.0"


class Version(APIView):
    """GET /version: the Camunda version whose API this server speaks."""

    def get(self, request: Request) -> Response:
        return Response({"version": CAMUNDA_API_VERSION})
