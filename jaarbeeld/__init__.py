"""The Jaarbeeld: a year's content from metrics frames, its publication-ready figures and the pack (DESIGN §8).

The public list: pages import these names from `jaarbeeld`, never a submodule.
"""

from jaarbeeld.content import build_yearbook
from jaarbeeld.pack import build_pack, image_export_available

__all__ = ["build_pack", "build_yearbook", "image_export_available"]
