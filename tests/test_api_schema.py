"""The OpenAPI schema says what the API accepts and answers: one class per component name, the
bodies the routes read, and the errors every route can give."""

import enum
import functools
import typing
from collections import defaultdict

from pydantic import BaseModel

from cultivate.api import api
from cultivate.core.api_errors import ErrorOut

REF = "#/components/schemas/"


@functools.cache
def schema():
    return api.get_openapi_schema(path_prefix="/api/v1")


def _classes_in(annotation, found: set) -> None:
    """Every pydantic model and enum an annotation reaches: each becomes a component."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel | enum.Enum):
        if annotation not in found:
            found.add(annotation)
            for field in getattr(annotation, "model_fields", {}).values():
                _classes_in(field.annotation, found)
        return
    for argument in typing.get_args(annotation):
        _classes_in(argument, found)


def schema_classes() -> set:
    """The classes of every operation's parameters, bodies and responses (ninja wraps each in
    a model of its own, whose fields hold ours), and the shared error shape."""
    found = set()
    _classes_in(ErrorOut, found)
    for router in api._get_bound_routers():
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                wrappers = list(operation.models) + [
                    m for m in operation.response_models.values()
                    if isinstance(m, type) and issubclass(m, BaseModel)]
                for wrapper in wrappers:
                    for field in wrapper.model_fields.values():
                        _classes_in(field.annotation, found)
    return found


def test_every_component_name_belongs_to_one_class():
    by_name = defaultdict(set)
    for cls in schema_classes():
        by_name[cls.__name__].add(f"{cls.__module__}.{cls.__qualname__}")
    shared = {name: sorted(classes) for name, classes in by_name.items() if len(classes) > 1}
    assert not shared, f"ninja keeps only one of the classes named alike: {shared}"


def test_the_walk_sees_the_schemas_components():
    """Else the test above could pass by walking nothing."""
    names = {cls.__name__ for cls in schema_classes()}
    components = set(schema()["components"]["schemas"])
    assert len(names) > 100
    assert components <= names, components - names


def body_schema(path, method="post"):
    body = schema()["paths"]["/api/v1" + path][method]["requestBody"]["content"][
        "application/json"]["schema"]
    ref = next(s["$ref"] for s in body.get("anyOf", [body]) if "$ref" in s)  # optional: anyOf
    return schema()["components"]["schemas"][ref.removeprefix(REF)]


def test_each_decision_route_documents_the_body_it_reads():
    claim = body_schema("/claims/{claim_id}/decision")
    assert set(claim["properties"]) == {"approve", "message"} and claim["required"] == ["approve"]
    flags = body_schema("/communities/{slug}/moderation/{post_id}")
    assert set(flags["properties"]) == {"decision"}
    join_request = body_schema("/communities/{slug}/requests/{request_id}/approve")
    assert set(join_request["properties"]) == {"response"}


def test_the_renamed_schemas_say_whose_they_are():
    components = schema()["components"]["schemas"]
    assert {"CommunityMemberOut", "NetworkMemberOut", "CommunityJoinOut", "LiveJoinOut",
            "ClaimDecisionIn", "FlagDecisionIn", "JoinRequestDecisionIn"} <= set(components)
    assert not {"MemberOut", "JoinOut", "DecisionIn"} & set(components)
    assert "approve" in components["ClaimDecisionIn"]["properties"]
    assert "betweenness" in components["NetworkMemberOut"]["properties"]


def test_every_route_documents_its_errors_in_the_one_error_shape():
    paths = schema()["paths"]
    error = {"$ref": REF + "ErrorOut"}
    for path, operations in paths.items():
        for method, operation in operations.items():
            responses = {int(status): body for status, body in operation["responses"].items()}
            expected = {400, 401, 403, 404, 422}
            if method != "get":
                expected |= {409, 429}
            assert expected <= set(responses), (method, path, expected - set(responses))
            for status in expected:
                assert responses[status]["content"]["application/json"]["schema"] == error
            assert any(status < 300 for status in responses), (method, path)
            if method != "get":
                assert "Retry-After" in responses[429]["headers"]
    error_detail = schema()["components"]["schemas"]["ErrorDetail"]
    assert set(error_detail["required"]) == {"code", "message", "fields"}


def test_each_operation_names_each_status_once():
    """Ninja numbers its statuses and `openapi_extra` adds strings: in JSON both become the
    same key, which Swagger UI refuses ("duplicated mapping key")."""
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            statuses = [str(status) for status in operation["responses"]]
            assert len(statuses) == len(set(statuses)), (method, path, statuses)
