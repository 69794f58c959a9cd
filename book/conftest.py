"""nbval settings for the chapters: stderr (TensorFlow's C++ logs, warnings) is never compared."""

from nbval.plugin import IPyNbFile


def pytest_collectstart(collector):
    if isinstance(collector, IPyNbFile):
        collector.skip_compare += ("stderr",)
