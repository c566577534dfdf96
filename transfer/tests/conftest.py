from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command

from transfer.models import ImportLog

FIXTURES = Path(__file__).parent / "fixtures"
CLASSIC = FIXTURES / "blog-03-15-2026.xml"
TAKEOUT = FIXTURES / "feed.atom"
WXR = FIXTURES / "wordpress.xml"


def run(command, *args, **options):
    """Call a command; return (stdout, stderr)."""
    out, err = StringIO(), StringIO()
    call_command(command, *[str(a) for a in args], stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def snapshot():
    """Every row of every table but the import log, as comparable values."""
    return {
        model._meta.label: sorted(map(repr, model._base_manager.order_by("pk").values()))
        for model in apps.get_models()
        if model is not ImportLog and not model._meta.proxy
    }


@pytest.fixture
def classic_xml():
    return CLASSIC.read_text(encoding="utf-8")


@pytest.fixture
def write(tmp_path):
    def write(text_or_bytes, name="blog.xml"):
        path = tmp_path / name
        if isinstance(text_or_bytes, bytes):
            path.write_bytes(text_or_bytes)
        else:
            path.write_text(text_or_bytes, encoding="utf-8")
        return path

    return write


# Real export files nobody here wrote (see their README); read where they are, never copied.
REAL_EXPORTS = Path(__file__).resolve().parents[3] / "shared" / "data" / "real-exports"


def real(name):
    """The path of a real export file; the test is skipped when the folder is absent."""
    path = REAL_EXPORTS / name
    if not path.exists():
        pytest.skip(f"the real export {name} is not there ({REAL_EXPORTS} absent?)")
    return path
