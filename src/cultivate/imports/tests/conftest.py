import shutil
from pathlib import Path

import pytest

DUMP = Path(__file__).resolve().parents[5] / "shared" / "data" / "stackexchange-history-meta"


@pytest.fixture
def import_dir(settings, tmp_path) -> Path:
    settings.CULTIVATE_IMPORT_DIR = str(tmp_path / "imports")
    return tmp_path / "imports"


@pytest.fixture
def dump(import_dir) -> Path:
    """The real History Meta dump, copied into the import folder (the originals are read-only)."""
    if not DUMP.is_dir():
        pytest.skip("shared/data is not beside the repository")
    return Path(shutil.copytree(DUMP, import_dir / "history-meta",
                                copy_function=shutil.copyfile))


@pytest.fixture
def platform_admin(make_user, signed_in):
    return signed_in(make_user("root", superuser=True))
