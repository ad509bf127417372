"""The brand's sales channels: one exporter per channel file, what each channel needs, and the jobs over them.

`sheetsync export shopify|etsy|noths|wholesale` writes one file; the `exports` job writes them all into a
folder with a manifest; the `completeness` job fills the SKUs tab's Completeness column. Modules:
common (eligible rows, channel text and facts), products (Product Group variants), images, sizes (UK ring
sizes), requirements (what each channel needs), leave (rows left out with reasons), shopify, etsy, noths,
wholesale (the exporters), validators (each file against its platform's rules), completeness, exports.
"""

from .common import ExportCode, category_names, materials, slug
from .completeness import completeness
from .etsy import etsy
from .exports import exports
from .noths import noths
from .shopify import shopify
from .wholesale import wholesale

__all__ = [
    "ExportCode",
    "category_names",
    "completeness",
    "etsy",
    "exports",
    "materials",
    "noths",
    "shopify",
    "slug",
    "wholesale",
]
