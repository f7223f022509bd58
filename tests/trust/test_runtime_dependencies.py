"""Production installs only what production runs (issue 16 §6).

The pins are split: ``requirements.lock`` is the runtime set a production server installs, and
``requirements-dev.lock`` adds the development and test tools (``-r requirements.lock`` plus their pins).
These tests guard the split: the runtime set is complete on its own, the two sets do not overlap, and no
production module imports a development-only package (checked by importing every production module, with
``django.setup()``, in a Python that cannot import those packages).
"""

import json
import os
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_PACKAGES = ["compostela", "regulations", "clients", "attendance", "placements", "billing", "review"]
PIN = re.compile(r"^([A-Za-z0-9._-]+)(\[[^\]]*\])?==")


def pins(path):
    names = set()
    for line in (ROOT / path).read_text().splitlines():
        match = PIN.match(line.strip())
        if match:
            names.add(canonicalize_name(match.group(1)))
    return names


def runtime_pins():
    return pins("requirements.lock")


def development_only_pins():
    return pins("requirements-dev.lock") - runtime_pins()


def top_level_modules(distributions):
    """Import names provided by the given distributions (as installed in this virtualenv)."""
    modules = set()
    for module, owners in metadata.packages_distributions().items():
        if any(canonicalize_name(owner) in distributions for owner in owners):
            modules.add(module)
    return modules


def test_dev_lock_installs_the_runtime_set_and_adds_only_tools():
    lines = (ROOT / "requirements-dev.lock").read_text().splitlines()
    assert "-r requirements.lock" in lines
    overlap = pins("requirements-dev.lock") & runtime_pins()
    assert not overlap, f"pinned in both sets (keep each pin in one file): {sorted(overlap)}"


def test_runtime_set_is_complete_on_its_own():
    """Every dependency of a runtime package is pinned in the runtime set, so `pip install -r
    requirements.lock` alone gives a working server (no tool's pin silently carries a runtime need)."""
    runtime = runtime_pins()
    missing = []
    for name in sorted(runtime):
        for spec in metadata.requires(name) or []:
            requirement = Requirement(spec)
            if requirement.marker and not requirement.marker.evaluate({"extra": ""}):
                continue
            if canonicalize_name(requirement.name) not in runtime:
                missing.append(f"{name} needs {requirement.name}")
    assert not missing, "runtime packages whose dependencies are only in the dev set: " + "; ".join(missing)


def test_development_tools_are_not_in_the_runtime_set():
    runtime = runtime_pins()
    for tool in [
        "pytest",
        "pytest-django",
        "playwright",
        "locust",
        "flask",
        "gevent",
        "ruff",
        "hypothesis",
        "factory-boy",
        "pgserver",
        "import-linter",
    ]:
        assert tool not in runtime, f"{tool} is a development tool; it belongs in requirements-dev.in"


BLOCKED_IMPORT_CHECK = """
import importlib, importlib.abc, json, pkgutil, sys

blocked = set(json.loads(sys.argv[1]))
packages = json.loads(sys.argv[2])

class Blocker(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in blocked:
            raise ImportError(f"development-only package imported in production: {name}")
        return None

sys.meta_path.insert(0, Blocker())

import django
django.setup()
from django.core.management import call_command

imported = 0
for package_name in packages:
    package = importlib.import_module(package_name)
    for info in pkgutil.walk_packages(package.__path__, package_name + "."):
        importlib.import_module(info.name)
        imported += 1
call_command("check", verbosity=0)
print(imported)
"""


def test_production_code_imports_no_development_package():
    blocked = top_level_modules(development_only_pins())
    assert {"pytest", "playwright", "factory", "locust", "pgserver"} <= blocked  # the check sees the tools
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "compostela.settings",
        # a server that is never reached: importing and `check` need no connection, and an unset URL would
        # start the embedded (development-only) PostgreSQL
        "DATABASE_URL": "postgres://nobody@127.0.0.1:9/compostela",
    }
    result = subprocess.run(  # noqa: S603 — our own interpreter and a fixed script
        [sys.executable, "-c", BLOCKED_IMPORT_CHECK, json.dumps(sorted(blocked)), json.dumps(PRODUCTION_PACKAGES)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert int(result.stdout.strip().splitlines()[-1]) > 100  # every production module was imported
