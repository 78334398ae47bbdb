"""The one place that knows where the Tasks API lives.

Django 6 ships ``django.tasks``; on Django 5.2 the ``django-tasks`` backport provides the same API.
Moving to a Django with built-in tasks changes this import and nothing else.
"""

try:
    from django.tasks import task  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # Django 5.2
    from django_tasks import task  # type: ignore[no-redef,unused-ignore]

__all__ = ["task"]
