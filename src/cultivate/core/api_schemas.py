"""Schemas that more than one app's API uses. Ninja names each OpenAPI component after its
class and lets a later class overwrite an earlier one of the same name, so a shape shared by
several apps is one class here (tests/test_api_schema.py checks the names are unique)."""

from ninja import Schema
from pydantic import Field


class Person(Schema):
    id: int
    username: str
    display_name: str


class PageQuery(Schema):
    page: int = Field(1, description="1 for the first page; past the last gives the last")
