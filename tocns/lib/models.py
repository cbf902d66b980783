"""Small helpers shared by models of several apps."""

from .text import fold


def save_with_folded(instance, save, args, kwargs, *, source: str, target: str) -> None:
    """Keep `target` the diacritic-free copy of `source`, also when only some fields are saved."""
    setattr(instance, target, fold(getattr(instance, source)))
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and source in update_fields:
        kwargs["update_fields"] = {*update_fields, target}
    save(*args, **kwargs)
