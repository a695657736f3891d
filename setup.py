# Metadata lives in pyproject.toml; this shim is for tools that still look for setup.py.
from setuptools import setup

setup()
