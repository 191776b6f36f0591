from django import forms

from cultivate.core.errors import ActionError


def show_action_error(form: forms.Form, error: ActionError) -> None:
    """Put an action's field messages on the form fields (others on the form itself)."""
    placed = False
    for field, messages in error.fields.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)
            placed = True
    if not placed:
        form.add_error(None, error.message)


def posted(request):
    """The form data of a POST (even an empty one, which must bind and fail), else None."""
    return request.POST if request.method == "POST" else None
