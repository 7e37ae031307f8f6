"""advocate: an offline, bilingual toolkit for advocates serving survivors.

The package is a library first; the ``advocate`` command is a thin layer over it.
Nothing here imports Typer or Rich, so a script can use it directly::

    import advocate
    store = advocate.open_store()             # the user's store (created on first use)
    place = advocate.resolve_place("Tijuana, BC")
    rows = advocate.services_near(store, place, categories=["consular"])
"""

__version__ = "0.1.0"

__all__ = ["__version__", "open_store", "resolve_place", "services_near", "AdvocateError"]


def __getattr__(name):  # lazy: `import advocate` stays cheap
    if name == "open_store":
        from advocate.store import open_store

        return open_store
    if name == "resolve_place":
        from advocate.geo.resolve import resolve_place

        return resolve_place
    if name == "services_near":
        from advocate.directory.search import services_near

        return services_near
    if name == "AdvocateError":
        from advocate.errors import AdvocateError

        return AdvocateError
    raise AttributeError(name)
