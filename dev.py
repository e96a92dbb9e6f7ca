#!/usr/bin/env python3
"""Two commands for a newcomer, needing only Python 3.11+.

    python3 dev.py demo   # virtualenv, install, migrate, demo data, admin login, serve :8000
    python3 dev.py test   # virtualenv, install, whole test suite (extra args go to pytest)
    python3 dev.py check  # lint (ruff) and missing migrations, for contributors and CI

Options read from the environment:
    BIPPOP_VENV     virtualenv folder (default .venv)
    BIPPOP_PYTHON   interpreter that creates it (default: the one running this script)
    BIPPOP_STACK    "oldest" pins Django 5.2 / Wagtail 7.4, "newest" takes the latest releases
"""

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
SITE = ROOT / "example_site"
STACKS = {
    "": [],
    "oldest": ["Django~=5.2.0", "wagtail~=7.4.0"],
    "newest": ["--upgrade", "Django>=6.0", "wagtail>=8.0"],
}


def say(message):
    print(f"\n==> {message}", flush=True)


def run(*args, **kwargs):
    print("   $", " ".join(str(a) for a in args), flush=True)
    subprocess.run([str(a) for a in args], check=True, **kwargs)


def virtualenv():
    folder = ROOT / os.environ.get("BIPPOP_VENV", ".venv")
    python = folder / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    stack = os.environ.get("BIPPOP_STACK", "")
    if stack not in STACKS:
        sys.exit(f"BIPPOP_STACK must be one of: oldest, newest (got {stack!r})")
    stamp = folder / ".bippop-installed"
    wanted = f"{stack}|{(ROOT / 'setup.cfg').stat().st_mtime_ns}"
    if not python.exists():
        creator = os.environ.get("BIPPOP_PYTHON")
        say(f"Creating the virtualenv {folder.name}")
        if creator:
            run(creator, "-m", "venv", folder)
        else:
            venv.create(folder, with_pip=True)
    if not stamp.exists() or stamp.read_text() != wanted:
        say("Installing the app and its test tools (a few minutes the first time)")
        run(python, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
        run(python, "-m", "pip", "install", "--quiet", "-e", f"{ROOT}[test]", *STACKS[stack])
        stamp.write_text(wanted)
    return python


# The example site refuses to start without a secret key: the demo, and only the demo, runs
# with this public one (and with debug pages on) unless the environment gives its own.
DEMO_ENV = {"DJANGO_SECRET_KEY": "demo-only-not-secret-bellerive", "DJANGO_DEBUG": "1"}


def demo(python, args):
    env = {**DEMO_ENV, **os.environ, "PYTHONPATH": str(ROOT)}
    manage = [python, SITE / "manage.py"]
    say("Preparing the database (SQLite, example_site/db.sqlite3)")
    run(*manage, "migrate", "--no-input", cwd=SITE, env=env)
    say("Building the town site and its demo data")
    run(*manage, "setup_example_site", cwd=SITE, env=env)
    say("Starting the worker that sends e-mails and SMS (manage.py db_worker)")
    worker_command = [str(a) for a in (*manage, "db_worker")]
    # The worker logs every task it runs: into a file, so the accounts printed above stay
    # on screen.
    print("   $", " ".join(worker_command), "> example_site/worker.log", flush=True)
    worker_log = open(SITE / "worker.log", "ab")  # noqa: SIM115 (closed with the worker)
    worker = subprocess.Popen(
        worker_command, cwd=SITE, env=env, stdout=worker_log, stderr=subprocess.STDOUT
    )
    try:
        say("Serving http://127.0.0.1:8000/ (admin: http://127.0.0.1:8000/admin/) – Ctrl+C to stop")
        run(*manage, "runserver", "127.0.0.1:8000", *args, cwd=SITE, env=env)
    finally:
        # Ctrl+C reaches both processes; stop the worker anyway if the server ended alone.
        if worker.poll() is None:
            worker.terminate()
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
        worker_log.close()


def test(python, args):
    say("Running the test suite")
    code = subprocess.call([str(python), "-m", "pytest", *args], cwd=ROOT)
    if code == 5:
        print("pytest collected no test: that is a failure here.", file=sys.stderr)
        code = 1
    sys.exit(code)


def check(python, args):
    say("Lint and migrations")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run(python, "-m", "ruff", "check", ".", cwd=ROOT)
    run(python, "-m", "ruff", "format", "--check", ".", cwd=ROOT)
    run(python, SITE / "manage.py", "makemigrations", "--check", "--dry-run", cwd=SITE, env=env)


def main():
    if sys.version_info < (3, 11):  # noqa: UP036 (dev.py may be run by an older python3)
        sys.exit("Python 3.11 or newer is needed.")
    commands = {"demo": demo, "test": test, "check": check}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    python = virtualenv()
    try:
        commands[sys.argv[1]](python, sys.argv[2:])
    except KeyboardInterrupt:
        pass
    except subprocess.CalledProcessError as error:
        sys.exit(error.returncode)


if __name__ == "__main__":
    main()
