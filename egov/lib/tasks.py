"""The one place that knows where the Tasks API lives.

Django 6 ships ``django.tasks``; on Django 5.2 the ``django-tasks`` backport provides the same API.
Moving to a Django with built-in tasks changes these imports and nothing else.
"""

try:
    from django.tasks import Task, task  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # Django 5.2
    from django_tasks import task  # type: ignore[no-redef,unused-ignore]
    from django_tasks.base import Task  # type: ignore[no-redef,assignment,unused-ignore]

__all__ = ["Task", "task"]
