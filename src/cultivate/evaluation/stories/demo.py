"""Demo data of this part of value creation, planted through its actions."""


def plant(people: dict) -> int:
    """Create what is missing; return how many things were added."""
    return 0
