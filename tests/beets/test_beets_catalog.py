"""``spotify: {backend: catalog}`` in beets: the same import as against a clone, answered in-process, no server.

The catalog is built from the real Anna's Archive sample the way an import builds it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from audio import SampleTrack
from beets_support import Beets, fast_options
from test_beets_import import assert_outrun, written_isrcs


@pytest.fixture(scope="module")
def sample_catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from shared_paths import ANNAS_SAMPLE, require_shared

    directory = require_shared(ANNAS_SAMPLE)
    pytest.importorskip("pyarrow", reason="pyarrow reads the Anna's sample; install the test extra")
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "catalog"))
    from api_support import build_sample_catalog

    return build_sample_catalog(tmp_path_factory.mktemp("beets-catalog") / "sample.sqlite", directory)


def test_import_from_the_catalog_backend_needs_no_server(beets_lib: Beets, sample_catalog: Path,
                                                         outrun_by_names: Path, outrun: list[SampleTrack]) -> None:
    options = fast_options(beets_lib.temp_path / "cache",
                           spotify={"backend": "catalog", "catalog": str(sample_catalog)})
    beets_lib.load("tagbridge", tagbridge=options)
    beets_lib.import_album(outrun_by_names)
    assert_outrun(beets_lib.lib, outrun)
    assert written_isrcs(beets_lib.lib) == [t.isrc for t in outrun], "the track ISRCs come from the catalog"


def test_a_missing_catalog_is_one_clear_line_and_the_import_goes_on(beets_lib: Beets, tmp_path: Path,
                                                                     outrun_by_names: Path,
                                                                     caplog: pytest.LogCaptureFixture) -> None:
    options = fast_options(beets_lib.temp_path / "cache",
                           spotify={"backend": "catalog", "catalog": str(tmp_path / "nowhere.sqlite")})
    beets_lib.load("tagbridge", tagbridge=options)
    from beets import importer

    session = beets_lib.setup_importer(outrun_by_names)
    session.default_choice = importer.Action.ASIS  # no candidate: keep the files' own tags
    session.run()  # returns: a missing catalog never aborts the import
    assert len(beets_lib.lib.albums()) == 1
    messages = [r.getMessage() for r in caplog.records if r.levelname == "WARNING" and "catalog" in r.getMessage()]
    assert len(messages) == 1 and "no catalog at" in messages[0] and "tagbridge catalog import" in messages[0]
