"""Install the app into a bare ``wagtail start`` project, as the README tells a web agency.

Steps followed: the package is already pip-installed in this environment; add the apps to
INSTALLED_APPS, migrate, create a territory and the solidarity page, and render it inside
the project's own base template.
"""

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

SETTINGS_ADDITIONS = """

# --- wagtail_bippop, added as the README says ---
INSTALLED_APPS += [
    app
    for app in [
        "wagtail_bippop",
        "wagtail.contrib.settings",
        "wagtail.contrib.routable_page",
        "django_filters",
    ]
    if app not in INSTALLED_APPS
]
TEMPLATES[0]["OPTIONS"]["context_processors"].append(
    "wagtail.contrib.settings.context_processors.settings"
)
BIPPOP_BASE_TEMPLATE = "base.html"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "sesame.backends.ModelBackend",
]
SESAME_MAX_AGE = 20 * 60
SESAME_ONE_TIME = True
LANGUAGE_CODE = "fr"
"""

RENDER_SCRIPT = """
from django.test import Client
from wagtail.models import Site
from wagtail_bippop.models import SolidarityIndexPage, Territory

site = Site.objects.get(is_default_site=True)
territory = Territory.objects.create(name="Villebrune", slug="villebrune", site=site)
index = SolidarityIndexPage(title="Villebrune Solidaire", slug="solidarite", territory=territory)
site.root_page.add_child(instance=index)
response = Client().get("/solidarite/")
print("STATUS", response.status_code)
print(response.content.decode())
theme = Client().get("/solidarite/theme/")
print("THEME", theme.status_code, theme["Content-Type"])
"""


def wagtail_script():
    found = Path(sys.executable).with_name("wagtail")
    return str(found) if found.exists() else shutil.which("wagtail")


def test_install_into_a_bare_wagtail_project(tmp_path):
    command = wagtail_script()
    assert command, "the wagtail command must be installed with the package"
    subprocess.run([command, "start", "townsite"], cwd=tmp_path, check=True, capture_output=True)
    project = tmp_path / "townsite"
    settings = project / "townsite" / "settings" / "base.py"
    settings.write_text(settings.read_text() + textwrap.dedent(SETTINGS_ADDITIONS))
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "PYTHONPATH")
    }
    env["DJANGO_SETTINGS_MODULE"] = "townsite.settings.dev"

    def manage(*args):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )

    migrated = manage("migrate", "--no-input")
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    assert "wagtail_bippop" in manage("showmigrations", "wagtail_bippop").stdout

    rendered = manage("shell", "-c", RENDER_SCRIPT)
    assert rendered.returncode == 0, rendered.stderr[-3000:]
    out = rendered.stdout
    assert "STATUS 200" in out
    # The project's own base template wraps the section...
    assert '<body class="' in out
    assert "css/townsite.css" in out
    # ...and the section renders its content and stylesheet inside it.
    assert "Villebrune Solidaire" in out
    assert "wagtail_bippop/css/bippop.css" in out
    assert "THEME 200 text/css" in out
