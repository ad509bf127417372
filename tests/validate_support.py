"""Helpers for the validate job's tests: the brand's config with only the validate job, and clean rows."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path
from typing import Any

from conftest import config_for_jobs

from sheetsync.project.config import Config, load_config

ROOT = Path(__file__).resolve().parents[1]
JOB_MODULES = ("validate", "demo", "wording")  # packages of the jobs folder (validate reads wording.reference)


def validate_only_config(folder: Path) -> Config:
    """The brand's real config (schemas, vocabularies, rules) whose jobs folder holds only the validate job.

    Other jobs are evaluated on every run for their problems; leaving them out keeps these tests about
    this job's flags alone.
    """
    shutil.copytree(ROOT / "config", folder / "config")
    path = folder / "config" / "sheetsync.toml"
    path.write_text(only_validate(path.read_text()))
    (folder / "jobs").mkdir()
    for name in JOB_MODULES:
        (folder / "jobs" / name).symlink_to(ROOT / "jobs" / name)
    return load_config(folder / "config" / "sheetsync.toml")


def only_validate(text: str) -> str:
    """The config without what names the other jobs: a strict config refuses what no loaded job declares."""
    return config_for_jobs(text, jobs=("validate",), tables=("validate", "google"))


def memory(config: Config) -> Config:
    return dataclasses.replace(config, target="memory:")


def clean_sku(**over: Any) -> dict[str, Any]:
    """A correct natural-diamond ring row."""
    row = {
        "SKU": "RG-SOL-001",
        "Product Name": "Solstice Solitaire Ring",
        "Collection": "Solstice",
        "Category": "Ring",
        "Metal": "Yellow Gold",
        "Purity": "14K",
        "Stone": "Diamond",
        "Stone Origin": "Natural",
        "Treatment": "None",
        "Shape": "Round",
        "Carat Weight": 0.75,
        "Stone Count": 1,
        "Color": "G",
        "Clarity": "VS1",
        "Cut": "Excellent",
        "Certificate": "GIA 2141438171",
        "Metal Weight (g)": 3.2,
        "Dimensions (mm)": "6 x 6",
        "Ring Size": 6.5,
        "Price": 2450,
        "Cost": 700,
        "Wholesale Price": 1225,
        "Stock": 4,
        "Units Sold": 20,
        "Launch Date": "2026-03-04",
        "Channels": "Shopify, Etsy",
        "Engraved / Custom": "No",
        "Description Status": "Brief",
    }
    row.update(over)
    return row


def plain_sku(**over: Any) -> dict[str, Any]:
    """A correct stoneless sterling necklace row."""
    row = {
        "SKU": "NK-TID-001",
        "Product Name": "Tidal Chain Necklace",
        "Collection": "Tidal",
        "Category": "Necklace",
        "Metal": "Sterling Silver",
        "Purity": "925",
        "Stone": "None",
        "Metal Weight (g)": 8.4,
        "Chain Length (in)": 18,
        "Price": 180,
        "Cost": 40,
        "Wholesale Price": 90,
        "Stock": 12,
        "Units Sold": 55,
        "Channels": "Shopify",
        "Engraved / Custom": "No",
        "Description Status": "Published",
        "Final Description": "The Tidal Chain Necklace is crafted in sterling silver.",
    }
    row.update(over)
    return row


def clean_return(**over: Any) -> dict[str, Any]:
    row = {
        "RMA": "RMA-2026-0001",
        "Order Number": "#5100",
        "Channel": "Shopify",
        "Customer": "Lena Marsh",
        "Customer Email": "lena.marsh@example.com",
        "SKU": "RG-SOL-001",
        "Order Date": "2026-10-01",
        "Delivered On": "2026-10-05",
        "Requested On": "2026-10-12",
        "Reason": "Size Too Small",
        "Request Type": "Resize",
        "Status": "Resolved",
        "Received On": "2026-10-16",
        "Condition": "As New",
        "Resolution": "Resized",
        "Resolved On": "2026-10-20",
        "Relisted": "No",
    }
    row.update(over)
    return row


def clean_influencer(**over: Any) -> dict[str, Any]:
    row = {
        "Handle": "@lena.gems",
        "Platform": "Instagram",
        "Name": "Lena Marsh",
        "Email": "lena@marshstudio.com",
        "Followers": 12800,
        "Niche": "bridal",
        "Shipping Address": "12 Elm St, New York, NY",
        "Address Confirmed On": "2026-06-01",
        "Status": "Active",
    }
    row.update(over)
    return row


def clean_gift(**over: Any) -> dict[str, Any]:
    row = {
        "Gift ID": "GFT-0001",
        "Handle": "@lena.gems",
        "Campaign": "Holiday Edit",
        "SKU": "RG-SOL-001",
        "Gift Value": 700,
        "Shipping Cost": 12.5,
        "Shipped On": "2026-10-01",
        "Carrier": "UPS",
        "Tracking Number": "1Z999AA10123456784",
        "Delivered On": "2026-10-04",
        "Post URL": "https://www.instagram.com/p/C1234567",
        "Posted On": "2026-10-10",
        "Disclosure": "Yes",
        "Likes": 820,
        "Comments": 41,
        "Shares": 3,
        "Saves": 60,
        "Views": 12000,
    }
    row.update(over)
    return row
