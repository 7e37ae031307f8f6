"""Package discovery: every package under advocate/ is found (none is listed by hand), plus advocate._data.

data/ sits at the top of the repository, for people reading it, and ships inside the package as advocate._data
(pyproject.toml maps the name to the folder): discovery finds packages by their folder, so that one is named here.
Everything else about the build is in pyproject.toml.
"""

from setuptools import find_packages, setup

setup(packages=[*find_packages(include=["advocate", "advocate.*"]), "advocate._data"])
