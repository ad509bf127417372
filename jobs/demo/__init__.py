"""The demo workbook's rows: a realistic fine-jewelry catalog, returns and gifting, with documented mistakes.

`build(today)` returns tab -> list of rows (header -> value). Dates are relative to `today`, so the
demo always has something overdue. Every deliberate mistake is listed in MISTAKES with the job
and reason code expected to flag it; tests check each one is flagged.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sheetsync.model.values import Formula


@dataclass(frozen=True)
class Mistake:
    tab: str
    key: str  # the row's key (SKU, RMA, Handle, Gift ID) or "row N" for rows without one
    column: str
    what: str
    codes: tuple[str, ...]  # any of these reason codes flags it


COLLECTIONS = ["Aurora", "Solstice", "Tidal", "Heirloom", "Meridian", "Ember", "Luna", "Petal"]
PIECES = {
    "Ring": ["Solitaire Ring", "Halo Ring", "Eternity Band", "Signet Ring", "Stacking Ring", "Cocktail Ring"],
    "Necklace": ["Tennis Necklace", "Station Necklace", "Chain Necklace", "Lariat"],
    "Pendant": ["Drop Pendant", "Bezel Pendant", "Medallion Pendant", "Initial Pendant"],
    "Earrings": ["Stud Earrings", "Huggie Hoops", "Drop Earrings", "Climber Earrings"],
    "Bracelet": ["Tennis Bracelet", "Bangle", "Chain Bracelet", "Cuff"],
    "Anklet": ["Chain Anklet", "Station Anklet"],
    "Charm": ["Star Charm", "Heart Charm", "Moon Charm"],
    "Brooch": ["Bee Brooch", "Floral Brooch"],
}
PREFIX = {"Ring": "RG", "Necklace": "NK", "Pendant": "PD", "Earrings": "ER", "Bracelet": "BR",
          "Anklet": "AK", "Charm": "CH", "Brooch": "BC"}
METALS = [("Yellow Gold", "14K"), ("White Gold", "18K"), ("Rose Gold", "14K"), ("Platinum", "950"),
          ("Sterling Silver", "925"), ("Palladium", "950"), ("Gold Vermeil", "925"), ("Gold Filled", "14K"),
          ("Gold Plated", "925"), ("Yellow Gold", "18K"), ("Yellow Gold", "10K")]
# stone -> (origin, treatment); some are lab-grown on alternate rows (see _origin)
STONES = {
    "None": (None, None), "Diamond": ("Natural", "None"), "Sapphire": ("Natural", "Heat"),
    "Ruby": ("Natural", "Heat"), "Emerald": ("Natural", "Oiled"), "Pearl": ("Cultured", "None"),
    "Moissanite": ("Lab-Grown", "None"), "Topaz": ("Natural", "Irradiated"), "Citrine": ("Natural", "Heat"),
    "Onyx": ("Natural", "Dyed"), "Spinel": ("Lab-Grown", "None"), "Opal": ("Natural", "None"),
    "Turquoise": ("Natural", "Stabilized"), "Tourmaline": ("Natural", "None"), "Tanzanite": ("Natural", "Heat"),
    "Cubic Zirconia": ("Simulated", "None"),
}
STONE_CYCLE = ["Diamond", "None", "Sapphire", "Diamond", "Ruby", "None", "Emerald", "Pearl", "Moissanite",
               "Diamond", "Topaz", "Citrine", "Onyx", "None", "Spinel", "Opal", "Turquoise", "Tourmaline",
               "Tanzanite", "Cubic Zirconia", "Diamond"]
SHAPES = ["Round", "Oval", "Cushion", "Pear", "Princess", "Emerald", "Marquise", "Radiant", "Asscher", "Heart"]
CABOCHON = {"Opal", "Onyx", "Turquoise"}  # cut en cabochon: no faceting style
CABOCHON_SHAPES = ["Oval", "Round", "Pear", "Cushion"]
HALLMARKABLE = {"Yellow Gold", "White Gold", "Rose Gold", "Platinum", "Sterling Silver", "Palladium", "Gold Vermeil",
                "Gold Plated"}  # the brand plates sterling silver: a silver article in the UK
# The layer of each layered metal: (Layer Karat, Layer Fraction, Layer Thickness (microns))
LAYERS = {"Gold Vermeil": ("18K", None, Decimal("2.5")), "Gold Filled": (None, "1/20", None),
          "Gold Plated": ("14K", None, Decimal("0.5"))}
STORIES = {
    "Aurora": "the first light over a northern sky",
    "Solstice": "the longest day of the year, when the sun seems to stand still",
    "Tidal": "the lines the tide leaves on wet sand",
    "Heirloom": "the pieces our grandmothers kept in a velvet-lined drawer",
    "Meridian": "the line where the sun stands highest at noon",
    "Ember": "the last glow of a fire on a winter night",
    "Luna": "a full moon rising over still water",
    "Petal": "a garden in early summer",
}
MOODS = ["quiet luxury", "sunlit", "heirloom", "modern", "romantic", "minimalist"]
KEYWORDS = {"Ring": "stacking", "Necklace": "layering", "Pendant": "layering", "Earrings": "everyday",
            "Bracelet": "stacking", "Anklet": "everyday", "Charm": "gift", "Brooch": "gift"}
STATUSES = ["Brief", "Drafting", "Brief", "In Review", "Approved", "Published", "Published", "Published",
            "Changes Requested", "Needs Update", "Drafting"]
WRITERS = ["Priya Shah", "Tom Ellery", "Ava Brooks"]
CHANNEL_SETS = ["Shopify, Etsy", "Shopify", "Shopify, NOTHS", "Shopify, Etsy, Wholesale", "Etsy",
                "Shopify, Etsy, NOTHS, Wholesale"]
FIRST = ["Lena", "Maya", "Chloe", "Sofia", "Ines", "Grace", "Harper", "Zoe", "Nora", "Iris", "Ruby", "Elle",
         "Mia", "Cleo", "Ada", "Jade", "Luna", "Rosa", "Tess", "Willa", "Nina", "Amara", "Freya", "Hana", "Lila"]
LAST = ["Marsh", "Okafor", "Bennett", "Reyes", "Laurent", "Kim", "Novak", "Haddad", "Fischer", "Moreau"]


def build(today: date) -> dict[str, list[dict[str, Any]]]:
    rng = random.Random(20261126)
    skus = _skus(rng, today)
    influencers = _influencers(rng, today)
    returns = _returns(rng, today, skus)
    gifts = _gifts(rng, today, skus, influencers)
    _showcase(skus)
    _plant_mistakes(skus, returns, influencers, gifts)
    _plant_follow_ups(skus, returns, gifts)
    _plant_gift_loop(influencers, gifts)
    _channel_data(skus)
    copy_log = _copy_log(skus, today)
    return {"SKUs": skus, "Returns": returns, "Influencers": influencers, "Gifts": gifts, "Copy Log": copy_log,
            "To Do": _todo_yesterday(today)}


def _skus(rng: random.Random, today: date) -> list[dict[str, Any]]:
    rows = []
    categories = list(PIECES)
    for i in range(64):
        category = categories[i % len(categories)]
        metal, purity = METALS[i % len(METALS)]
        stone = STONE_CYCLE[i % len(STONE_CYCLE)]
        if category == "Ring" and i % 3 == 0:
            stone = "Diamond"
        origin = _origin(stone, i)
        collection = COLLECTIONS[(i + i // 8) % len(COLLECTIONS)]
        piece = PIECES[category][i % len(PIECES[category])]
        sku = f"{PREFIX[category]}-{collection[:3].upper()}-{100 + i:03d}"
        row = _spec_row(rng, i, sku, f"{collection} {piece}", collection, category, metal, purity, stone, origin)
        _money_and_stock(rng, row, i)
        _copy_fields(rng, row, i, today)
        rows.append(row)
    return rows


def _origin(stone: str, i: int) -> str | None:
    """Most stones are mined; some diamonds and opals are lab-grown (a lab-created opal), every spinel is."""
    if stone in ("Diamond", "Opal") and i % 4 == 1:
        return "Lab-Grown"
    return STONES[stone][0]


def _shape(stone: str, i: int) -> str | None:
    if stone == "Pearl":
        return None  # pearls take no cut shape
    return CABOCHON_SHAPES[i % len(CABOCHON_SHAPES)] if stone in CABOCHON else SHAPES[i % len(SHAPES)]


def _spec_row(rng, i, sku, name, collection, category, metal, purity, stone, origin) -> dict[str, Any]:
    row: dict[str, Any] = {"SKU": sku, "Product Name": name, "Collection": collection, "Category": category,
                           "Metal": metal, "Purity": purity, "Stone": stone}
    karat, fraction, microns = LAYERS.get(metal, (None, None, None))
    row.update({"Layer Karat": karat, "Layer Fraction": fraction, "Layer Thickness (microns)": microns})
    if stone != "None":
        count = 1 if category in ("Ring", "Pendant", "Charm") else (2 if category == "Earrings" else 12)
        carat = Decimal(rng.choice(["0.25", "0.33", "0.50", "0.75", "1.00", "1.25", "2.10"]))
        treatment = STONES[stone][1] if origin == "Natural" else "None"
        shape = _shape(stone, i)
        row.update({"Stone Origin": origin, "Treatment": treatment, "Shape": shape,
                    "Carat Weight": carat, "Stone Count": count})
        if stone == "Diamond":
            row.update({"Color": "DEFGHIJ"[i % 7], "Clarity": ["VVS1", "VVS2", "VS1", "VS2", "SI1"][i % 5],
                        "Cut": ["Excellent", "Very Good"][i % 2] if shape == "Round" else None})
            if origin == "Natural" and carat >= Decimal("0.50"):
                row["Certificate"] = f"GIA {2141438000 + i * 7919:010d}"
            elif origin == "Lab-Grown":
                row["Certificate"] = f"IGI LG{512345000 + i * 31:09d}"
    row["Metal Weight (g)"] = Decimal(str(round(rng.uniform(1.2, 14.0), 2)))
    row["Dimensions (mm)"] = f"{rng.randint(4, 30)} x {rng.randint(3, 20)}"
    if category == "Ring":
        row["Ring Size"] = Decimal(str(rng.choice([5, 5.5, 6, 6.25, 6.5, 7, 7.5, 8])))
    elif category in ("Necklace", "Pendant"):
        row["Chain Length (in)"] = Decimal(rng.choice(["16", "18", "20"]))
    elif category == "Bracelet":
        row["Chain Length (in)"] = Decimal(rng.choice(["6.5", "7", "7.5"]))
    elif category == "Anklet":
        row["Chain Length (in)"] = Decimal("10")
    return row


def _money_and_stock(rng, row: dict[str, Any], i: int) -> None:
    base = {"Platinum": 2.4, "White Gold": 1.8, "Yellow Gold": 1.6, "Rose Gold": 1.6, "Palladium": 1.5,
            "Sterling Silver": 0.3, "Gold Vermeil": 0.45, "Gold Filled": 0.35, "Gold Plated": 0.25}[row["Metal"]]
    stone = {"Diamond": 2.5, "None": 0.0}.get(row["Stone"], 0.8) * float(row.get("Carat Weight") or 0)
    price = round((base + stone) * rng.uniform(380, 620) / 5) * 5 + 0.0
    cost = round(price * rng.uniform(0.22, 0.34), 2)
    row["Price"] = f"${price:,.2f}" if i % 3 == 0 else price  # people type money both ways
    row["Cost"] = cost
    row["Wholesale Price"] = round(price * 0.5, 2)
    row["Stock"] = 0 if i % 9 == 4 else rng.randint(1, 40)
    row["Units Sold"] = rng.randint(8, 220)
    row["Margin"] = Formula("=[Price]-[Cost]")  # a column of the team's own, with a formula


def _copy_fields(rng, row: dict[str, Any], i: int, today: date) -> None:
    status = STATUSES[i % len(STATUSES)]
    live = status in ("Approved", "Published", "Needs Update")
    # Live pieces launched months ago; pieces still in copy mostly launch soon, a few are already late.
    row["Launch Date"] = today + timedelta(days=rng.randint(-300, -20) if live else rng.randint(-6, 45))
    row["Channels"] = CHANNEL_SETS[i % len(CHANNEL_SETS)]
    row["Engraved / Custom"] = "Yes" if i % 13 == 5 else "No"
    row["Made to Order"] = "Yes" if i % 9 == 4 and i % 2 == 0 else "No"  # made after it is ordered: none in stock
    if "NOTHS" in row["Channels"] and row["Metal"] in HALLMARKABLE:
        row["Hallmarked"] = "Yes"  # sold in the UK as precious metal (Hallmarking Act 1973)
    rng.choice(["quiet luxury", "sunlit", "heirloom", "modern"])  # (kept: the draw the older Brief used)
    mood = MOODS[(i + i // 3) % len(MOODS)]
    row["Brief"] = f"Story: inspired by {STORIES[row['Collection']]}; Mood: {mood}; " \
                   f"Keywords: {KEYWORDS[row['Category']]}, {row['Category'].lower()}, {row['Metal'].lower()}, gift"
    row["Copywriter"] = WRITERS[i % len(WRITERS)]
    row["Copy Due"] = row["Launch Date"] - timedelta(days=14)
    row["Description Status"] = status
    if status in ("Approved", "Published", "Needs Update"):
        row["Final Description"] = final_description(row)
        row["Approved By"] = "Claire (founder)"
        row["Approved On"] = row["Copy Due"]


def metal_phrase(row: dict[str, Any]) -> str:
    """The metal as a careful person writes it: karat before gold, the layer's fraction and karat, fineness."""
    metal, purity = row["Metal"], row["Purity"]
    layer = f"{row['Layer Karat']} " if row.get("Layer Karat") else ""
    if metal in ("Yellow Gold", "White Gold", "Rose Gold"):
        return f"{purity} {metal.lower()}"
    return {"Platinum": f"{purity} platinum", "Sterling Silver": "sterling silver", "Palladium": f"{purity} palladium",
            "Gold Vermeil": f"{layer}gold vermeil over sterling silver",
            "Gold Filled": f"{row.get('Layer Fraction') or '1/20'} {purity} gold filled",
            "Rolled Gold Plate": f"{row.get('Layer Fraction') or '1/40'} {purity} rolled gold plate",
            "Gold Plated": f"{layer}gold plated sterling silver"}[metal]


STONE_WORDS = {"Cubic Zirconia": ("cubic zirconia", "cubic zirconias"), "Ruby": ("ruby", "rubies"),
               "Topaz": ("topaz", "topazes"), "Onyx": ("onyx", "onyxes")}
ORIGIN_WORDS = {"Natural": "natural", "Lab-Grown": "lab-created", "Simulated": "simulated", "Cultured": "cultured"}
# How a careful writer discloses each treatment (16 CFR 23.24: permanence and special care included)
TREATED = {"Heat": "heat-treated, a permanent enhancement",
           "Oiled": "oiled, an enhancement that is not permanent and needs special care (no ultrasonic cleaners)",
           "Irradiated": "irradiated, a permanent enhancement that gives the color",
           "Dyed": "dyed, a color treatment that is not permanent and needs special care (no solvents)",
           "Stabilized": "stabilized, a permanent treatment that hardens the stone",
           "Fracture-Filled": "fracture-filled, an enhancement that is not permanent and needs special care",
           "Diffusion": "diffusion-treated, an enhancement that needs special care (never recut it)",
           "Coated": "coated, a treatment that is not permanent and needs special care",
           "Other": "treated, an enhancement that may not be permanent and needs special care"}


def final_description(row: dict[str, Any]) -> str:
    """Approved copy as a careful person writes it: the facts exactly as specified."""
    text = f"The {row['Product Name']} is crafted in {metal_phrase(row)}."
    stone = row.get("Stone")
    if stone and stone != "None":
        one, many = STONE_WORDS.get(stone, (stone.lower(), stone.lower() + "s"))
        count = int(row.get("Stone Count") or 1)
        origin = row["Stone Origin"]
        word = "" if stone == "Cubic Zirconia" else ORIGIN_WORDS[origin] + " "
        if origin == "Lab-Grown" and stone == "Diamond":
            word = "lab-grown "
        name = many if count > 1 else one
        shape = f"{row['Shape'].lower()}-cut " if row.get("Shape") and stone not in CABOCHON else ""
        weight = row.get("Carat Weight")
        if weight is not None:
            total = "ct tw" if count > 1 else "ct"
            text += f" It is set with {weight:.2f} {total} of {shape}{word}{name}"
        else:
            text += f" It is set with {shape}{word}{name}"
        if stone == "Diamond" and row.get("Color"):
            text += f" ({row['Color']} color, {row['Clarity']} clarity)"
        text += "."
        treatment = row.get("Treatment")
        if treatment and treatment != "None":
            subject = name if origin == "Natural" else f"{word}{name}"
            text += f" The {subject} {'are' if count > 1 else 'is'} {TREATED[treatment]}."
    return text + " Presented in our signature box."


def _influencers(rng, today: date) -> list[dict[str, Any]]:
    rows = []
    for i in range(25):
        first, last = FIRST[i], LAST[i % len(LAST)]
        platform = ["Instagram", "TikTok", "Instagram", "YouTube", "Pinterest"][i % 5]
        status = "Do Not Gift" if i in (6, 17) else ["Active", "Active", "Contacted", "Prospect", "Paused"][i % 5]
        rows.append({
            "Handle": f"@{first.lower()}.{['gems', 'sparkle', 'styles', 'loves', 'edit'][i % 5]}",
            "Platform": platform, "Name": f"{first} {last}", "Email": f"{first.lower()}@{last.lower()}studio.com",
            "Followers": rng.choice([4200, 12800, 38000, 91000, 240000, 0 if i == 21 else 15500]),
            "Niche": rng.choice(["bridal", "minimalist", "vintage", "everyday luxury"]),
            "Shipping Address": f"{rng.randint(10, 999)} {rng.choice(['Elm', 'Oak', 'Pine'])} St, New York, NY",
            "Address Confirmed On": None if i in (9, 14) else today - timedelta(days=rng.randint(90, 400)),
            "Status": status,
        })
    return rows


def _returns(rng, today: date, skus: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    reasons = ["Size Too Small", "Not As Described", "Color", "Style", "Size Too Large", "Changed Mind",
               "Defective", "Damaged In Transit", "Not As Described", "Wrong Item"]
    flow = ["Requested", "Requested", "Authorized", "In Transit", "Received", "Inspecting", "At Workshop",
            "Resolved", "Resolved", "Resolved", "Declined", "Authorized"]
    for i in range(40):
        sku = skus[(i * 7) % 20]
        if i % 5 == 1:
            sku = skus[0]  # one piece keeps coming back: copy review
        reason = reasons[i % len(reasons)]
        if sku["Category"] == "Ring" and i % 4 == 0:
            reason = "Size Too Small"
        status = flow[i % len(flow)]
        requested = today - timedelta(days=rng.randint(1, 70))
        delivered = requested - timedelta(days=rng.randint(2, 40) if i % 11 else 45)
        row: dict[str, Any] = {
            "RMA": f"RMA-2026-{i + 1:04d}" if i < 34 else None, "Order Number": f"#{5100 + i * 3}",
            "Channel": ["Shopify", "Etsy", "NOTHS", "Shopify"][i % 4], "Customer": f"{FIRST[i % 25]} {LAST[i % 10]}",
            "Customer Email": f"{FIRST[i % 25].lower()}.{LAST[i % 10].lower()}@example.com", "SKU": sku["SKU"],
            "Order Date": delivered - timedelta(days=4), "Delivered On": delivered, "Requested On": requested,
            "Reason": reason, "Request Type": "Resize" if reason.startswith("Size") and sku["Category"] == "Ring"
            else ["Refund", "Exchange", "Refund"][i % 3], "Status": status,
        }
        _return_progress(rng, row, status, requested, sku, i, today)
        rows.append(row)
    return rows


def _return_progress(rng, row: dict[str, Any], status: str, requested: date, sku: dict[str, Any], i: int,
                     today: date) -> None:
    price = float(str(sku["Price"]).replace("$", "").replace(",", ""))
    if i % 5 == 2:  # a discounted order: Refund Due works from what was paid, not the list price
        price = round(price * 0.9, 2)
        row["Order Amount"] = price
    if status in ("Received", "Inspecting", "At Workshop", "Resolved", "Declined"):
        row["Received On"] = min(requested + timedelta(days=rng.randint(3, 9)), today)
        row["Condition"] = "As New" if i % 6 else "Worn"
        if i == 17:
            row["Condition"] = "Missing Certificate"  # the certificate fee in Refund Due's breakdown
    if status == "At Workshop":
        row["Workshop Due"] = row["Received On"] + timedelta(days=10)
    if status == "Resolved":
        kind = {"Refund": "Refund", "Exchange": "Exchange", "Resize": "Resized", "Repair": "Repaired"}
        row["Resolution"] = kind[row["Request Type"]] if i % 4 else "Store Credit"
        row["Resolved On"] = min(row["Received On"] + timedelta(days=rng.randint(1, 6)), today)
        if row["Resolution"] == "Refund":
            row["Refund Amount"] = round(price * 0.85, 2)
            row["Restocking Fee"] = round(price * 0.15, 2)
        row["Relisted"] = "Yes" if row["Condition"] == "As New" else "No"
    if status == "Declined":
        row["Resolution"] = "Declined"
        row["Resolved On"] = min(row["Received On"] + timedelta(days=2), today)


def _gifts(rng, today: date, skus, influencers) -> list[dict[str, Any]]:
    rows = []
    giftable = [s for s in skus if s["Description Status"] == "Published" and s["Stock"]]
    active = [p for p in influencers if p["Status"] in ("Active", "Contacted") and p["Address Confirmed On"]]
    for i in range(50):
        person, sku = active[i % len(active)], giftable[i % len(giftable)]
        shipped = today - timedelta(days=rng.randint(0, 80)) if i % 10 else None
        row: dict[str, Any] = {
            "Gift ID": f"GFT-{i + 1:04d}" if i < 45 else None, "Handle": person["Handle"],
            "Campaign": ["Holiday Edit", "Bridal Season", "Spring Launch"][i % 3], "SKU": sku["SKU"],
            "Gift Value": sku["Cost"] if i % 4 else None, "Shipping Cost": 12.5,
            "Shipped On": shipped, "Carrier": "UPS" if shipped else None,
            "Tracking Number": f"1Z999AA1{rng.randint(10**9, 10**10 - 1)}" if shipped else None,
        }
        if shipped and i % 6 in (1, 3, 5):  # other carriers; every other one left blank, to be guessed
            carrier, number = TRACKED[(i // 2) % len(TRACKED)]
            row.update({"Carrier": carrier if i % 4 == 1 else None, "Tracking Number": number})
        if shipped and (today - shipped).days > 5:
            row["Delivered On"] = shipped + timedelta(days=3)
        _gift_post(rng, row, person, i, today)
        rows.append(row)
    return rows


def _gift_post(rng, row: dict[str, Any], person: dict[str, Any], i: int, today: date) -> None:
    delivered = row.get("Delivered On")
    if not delivered or i % 3 == 0:
        return
    posted = delivered + timedelta(days=rng.randint(2, 20))
    if posted > today:
        return
    site = {"Instagram": "https://www.instagram.com/p/", "TikTok": "https://www.tiktok.com/@x/video/",
            "YouTube": "https://www.youtube.com/watch?v=", "Pinterest": "https://www.pinterest.com/pin/"}
    url = f"{site[person['Platform']]}C{rng.randint(10**6, 10**7)}"
    # Likes and comments scale with the audience: (likes + comments) / followers lands at 1-7.5%, the range
    # creators' engagement rates fall in. The two draws stay as they were, so every other figure is unchanged.
    like_draw, comment_draw = rng.randint(80, 5000), rng.randint(3, 300)
    audience = person["Followers"] or 5000  # no follower count typed yet: a small account's figures
    row.update({
        "Post URL": url, "Posted On": posted, "Disclosure": "Yes",
        "Likes": round(audience * (0.0095 + 0.06 * (like_draw - 80) / 4920)),
        "Comments": round(audience * (0.0005 + 0.005 * (comment_draw - 3) / 297)),
        "Shares": rng.randint(0, 120), "Saves": rng.randint(0, 400), "Views": rng.randint(2000, 90000),
        "Discount Code": f"{person['Handle'][1:].split('.')[0].upper()}15",
        "Attributed Orders": rng.randint(0, 9),
    })
    row["Attributed Revenue"] = round(row["Attributed Orders"] * rng.uniform(180, 900), 2)


# Tracking numbers in each carrier's format (UPU S10 numbers with a valid check digit for the postal services).
TRACKED = [
    ("USPS", "9400111899223197428490"),
    ("Royal Mail", "RR123456785GB"),
    ("FedEx", "123456789012"),
    ("DHL", "1234567890"),
    ("Canada Post", "7023210039414604"),
    ("Australia Post", "CP123456785AU"),
]

MISTAKES: list[Mistake] = [
    Mistake("SKUs", "RG-AUR-100", "Price", "price typed with a letter O for a zero", ("not_money",)),
    Mistake("SKUs", "NK-SOL-101", "Launch Date", "a date that does not exist (31st of February)", ("not_a_date",)),
    Mistake("SKUs", "PD-TID-102", "Clarity", "SI3 is not a GIA clarity grade", ("not_allowed",)),
    Mistake("SKUs", "ER-HEI-103", "SKU", "the same SKU typed on two rows", ("duplicate_key",)),
    Mistake("SKUs", "BR-MER-104", "Purity", "14K on a sterling silver piece", ("purity_metal_mismatch",)),
    Mistake("SKUs", "AK-EMB-105", "Carat Weight", "a carat weight on a piece with no stone",
            ("stone_none_has_details",)),
    Mistake("SKUs", "CH-LUN-106", "Ring Size", "a ring size on a charm", ("ring_size_not_ring",)),
    Mistake("SKUs", "BC-PET-107", "Wholesale Price", "wholesale above retail", ("price_order",)),
    Mistake("SKUs", "PD-HEI-110", "Stock", "negative stock", ("negative", "out_of_range")),
    Mistake("Returns", "RMA-2026-0003", "Customer Email", "an email without a domain", ("bad_email",)),
    Mistake("Returns", "RMA-2026-0005", "SKU", "a SKU that is not in the SKUs tab", ("unknown_sku",)),
    Mistake("Returns", "RMA-2026-0007", "Reason", "a reason not on the list", ("not_allowed",)),
    Mistake("Returns", "RMA-2026-0009", "Order Number", "order number left blank", ("required",)),
    Mistake("Influencers", "row 12", "Handle", "a handle without the @", ("bad_pattern",)),
    Mistake("Influencers", "@maya.sparkle", "Handle", "the same handle typed twice in another case",
            ("duplicate_key",)),
    Mistake("Gifts", "GFT-0004", "Handle", "a handle that is not in the Influencers tab", ("unknown_influencer",)),
    Mistake("Gifts", "GFT-0006", "Likes", "likes typed as text", ("not_an_integer",)),
    Mistake("Gifts", "GFT-0008", "Shipped On", "a date in D/M order in an M/D workbook (13/10/2026)", ("not_a_date",)),
    Mistake("Gifts", "GFT-0029", "Disclosure", "a posted gift without the #ad/#gifted disclosure",
            ("disclosure_missing",)),
    Mistake("Returns", "RMA-2026-0020", "Resolved On", "a Resolved return without its Resolved On date",
            ("resolution_incomplete",)),
    Mistake("SKUs", "BC-HEI-139", "Layer Thickness (microns)", "vermeil plated 1 micron thick (23.4 needs 2.5)",
            ("layer_below_minimum",)),
    Mistake("SKUs", "CH-TID-138", "Hallmarked", "a 13 g palladium charm sold on NOTHS without a UK hallmark",
            ("hallmark_missing",)),
    Mistake("SKUs", "NK-PET-149", "Stone Origin", "a pearl entered as lab-grown (pearls are cultured or natural)",
            ("stone_origin_not_allowed",)),
    Mistake("Gifts", "GFT-0021", "Handle", "a gift planned for a creator whose address is not confirmed",
            ("address_unconfirmed",)),
    Mistake("SKUs", "PD-AUR-150", "Hallmarked", "a 9 g vermeil pendant on NOTHS without a UK hallmark (left out "
            "of NOTHS only)", ("hallmark_missing",)),
]
RING_GROUP = ("RG-LUN-148", ("6", "7", "8"))  # one ring in four sizes: one product, four variants
IMAGE_HOST = "https://cdn.maisonaurelle.example/products"


def _showcase(skus) -> None:
    """Values the cycles above do not reach, so the demo shows them too."""
    by_sku = {row["SKU"]: row for row in skus}
    rolled = by_sku["ER-EMB-119"]  # rolled gold plate: a gold layer under 1/20 of the weight
    rolled.update({"Metal": "Rolled Gold Plate", "Purity": "12K", "Layer Fraction": "1/40"})
    if rolled.get("Final Description"):
        rolled["Final Description"] = final_description(rolled)


def _plant_mistakes(skus, returns, influencers, gifts) -> None:
    by_sku = {row["SKU"]: row for row in skus}
    by_sku["RG-AUR-100"]["Price"] = "$1,2O0.00"
    by_sku["NK-SOL-101"]["Launch Date"] = "2/31/2026"
    by_sku["PD-TID-102"].update({"Stone": "Diamond", "Stone Origin": "Natural", "Clarity": "SI3",
                                  "Color": "G", "Cut": "Excellent", "Shape": "Round", "Carat Weight": Decimal("0.30"),
                                  "Stone Count": 1, "Treatment": "None"})
    by_sku["BR-MER-104"].update({"Metal": "Sterling Silver", "Purity": "14K"})
    by_sku["AK-EMB-105"].update({"Stone": "None", "Stone Origin": None, "Shape": None, "Treatment": None,
                                 "Carat Weight": Decimal("0.10"), "Stone Count": None, "Color": None,
                                 "Clarity": None, "Cut": None, "Certificate": None})
    by_sku["CH-LUN-106"]["Ring Size"] = Decimal("6")
    by_sku["BC-PET-107"]["Wholesale Price"] = float(str(by_sku["BC-PET-107"]["Price"]).strip("$").replace(",", "")) + 50
    by_sku["PD-HEI-110"]["Stock"] = -2
    by_sku["BC-HEI-139"]["Layer Thickness (microns)"] = Decimal("1.0")
    by_sku["CH-TID-138"]["Hallmarked"] = "No"
    by_sku["NK-PET-149"]["Stone Origin"] = "Lab-Grown"
    duplicate = dict(by_sku["ER-HEI-103"], **{"Product Name": "Heirloom Stud Earrings (copy)"})
    skus.insert(30, duplicate)
    returns[2]["Customer Email"] = "sofia.reyes@"
    returns[4]["SKU"] = "RG-XXX-999"
    returns[6]["Reason"] = "Broken clasp"
    returns[8]["Order Number"] = None
    newcomer = dict(influencers[10], Handle="rosie.gems", Name="Rosie Dunn", Status="Prospect")
    influencers.insert(10, newcomer)  # sheet row 12 (the header is row 1)
    influencers.append(dict(influencers[1], Handle="@Maya.Sparkle", Notes="added again by mistake"))
    gifts[3]["Handle"] = "@unknown.creator"
    gifts[5]["Likes"] = "about 300"
    gifts[7]["Shipped On"] = "13/10/2026"


def _plant_follow_ups(skus, returns, gifts) -> None:
    """Each follow-up situation the overdue job handles, at least once (dates relative to Delivered On)."""
    def after_due(row: dict[str, Any], days: int) -> date:
        return row["Delivered On"] + timedelta(days=14 + days)  # Post Due = Delivered On + posting window

    gifts[21]["Last Follow-up"] = after_due(gifts[21], 8)  # GFT-0022: both reminders sent, 60+ days late: ghosted
    gifts[33]["Last Follow-up"] = after_due(gifts[33], 1)  # GFT-0034: reminder 1 sent, reminder 2 not yet
    gifts[39]["Last Follow-up"] = after_due(gifts[39], 7)  # GFT-0040: reminder 2 sent: check for the post
    gifts[46]["Last Follow-up"] = after_due(gifts[46], 0)  # (new row): reminder 1 sent on the due date
    gifts[28]["Disclosure"] = "No"  # GFT-0029: posted without #ad/#gifted
    by_sku = {row["SKU"]: row for row in skus}
    by_sku["RG-SOL-108"]["Engraved / Custom"] = "Yes"  # RMA-2026-0025 asks to return an engraved ring
    returns[19]["Resolved On"] = None  # RMA-2026-0020: resolved, date never filled in


def _plant_gift_loop(influencers, gifts) -> None:
    """Each step of getting a gift to its creator, at least once (the other unshipped gifts are ready to ship)."""
    by_handle = {row["Handle"]: row for row in influencers}
    by_handle["@sofia.loves"]["Address Confirmed On"] = None  # a prospect with no gift yet
    gifts[20]["Handle"] = "@sofia.loves"  # GFT-0021: confirm the address before shipping
    gifts[10]["SKU"] = "AK-LUN-113"  # GFT-0011: the piece is out of stock
    gifts[37].update({"Carrier": None, "Tracking Number": None})  # GFT-0038: shipped, tracking not entered
    gifts[24]["Delivered On"] = None  # GFT-0025: shipped 16 days ago, never marked delivered
    post = ("Post URL", "Posted On", "Disclosure", "Likes", "Comments", "Shares", "Saves", "Views", "Discount Code",
            "Attributed Orders", "Attributed Revenue")
    for i in (22, 35):  # @luna.sparkle: three gifts due, no post: proposed for Do Not Gift
        for column in post:
            gifts[i].pop(column, None)
    for i in (5, 31, 44):  # @ruby.gems posts but no order came of it: proposed for Paused
        gifts[i].update({"Attributed Orders": 0, "Attributed Revenue": 0})


COPY_PATHS = {
    "Brief": ["Brief"],
    "Drafting": ["Brief", "Drafting"],
    "In Review": ["Brief", "Drafting", "In Review"],
    "Changes Requested": ["Brief", "Drafting", "In Review", "Changes Requested"],
    "Approved": ["Brief", "Drafting", "In Review", "Approved"],
    "Published": ["Brief", "Drafting", "In Review", "Approved", "Published"],
    "Needs Update": ["Brief", "Drafting", "In Review", "Approved", "Published", "Needs Update"],
}
COPY_STEP_DAYS = {"Drafting": 5, "In Review": 20, "Changes Requested": 3, "Approved": 3, "Published": 2,
                  "Needs Update": 30}
COPY_NOT_YET_LOGGED = ("NK-LUN-141", "PD-EMB-126")  # changed since the last run saw it: the first run logs the change


def _copy_log(skus, today: date) -> list[dict[str, Any]]:
    """The Copy Log as earlier runs would have left it: each SKU's status history up to its current status
    (a second review round on every third piece, some deliveries late), dated before today."""
    rng = random.Random(141)
    rows: list[dict[str, Any]] = []
    for i, sku in enumerate(s for s in skus if s["SKU"] not in {r["SKU"] for r in rows}):
        path = list(COPY_PATHS.get(sku["Description Status"], []))
        due = sku["Copy Due"] if isinstance(sku.get("Copy Due"), date) else today
        if i % 4 == 1 and "Approved" in path:
            at = path.index("Approved")
            path[at:at] = ["Changes Requested", "In Review"]
        if sku["SKU"] in COPY_NOT_YET_LOGGED:
            path = path[:-1]
        steps, day = [], due - timedelta(days=30)
        for status in path:
            day += timedelta(days=COPY_STEP_DAYS.get(status, 0) + (rng.choice([-6, -2, 0, 3, 8]) if status == "In Review"
                                                                   else 0))
            steps.append((status, day))
        shift = max(timedelta(0), steps[-1][1] - (today - timedelta(days=1))) if steps else timedelta(0)
        before = None
        for n, (status, day) in enumerate(steps):
            rows.append({
                "SKU": sku["SKU"], "From": before, "To": status,
                "First Seen": datetime.combine(day - shift, time(9, 0)) + timedelta(minutes=15 * n),
                "Copywriter": sku["Copywriter"], "Copy Due": sku.get("Copy Due"),
                "Approver": sku.get("Approved By") if status == "Approved" else None,
            })
            before = status
    rows.sort(key=lambda r: r["First Seen"])
    for n, row in enumerate(rows, start=1):
        row["Entry"] = f"CL-{n:05d}"
    return rows


TICKED = "send_reminder_2:Gifts:GFT-0034"  # the VA sent it but has not logged it in Last Follow-up yet


def _todo_yesterday(today: date) -> list[dict[str, Any]]:
    """Yesterday's To Do as the VA left it, one line ticked: the run keeps the tick while the action is open."""
    return [{"Done": "x", "Who": "VA", "To Do": "Send reminder 2 to @mia.styles for the Luna Star Charm and log it "
             "in Last Follow-up", "Due": today - timedelta(days=1), "When": "yesterday", "Where": "Gifts",
             "Key": "GFT-0034", "Action ID": TICKED}]


def _channel_data(skus: list[dict[str, Any]]) -> None:
    """Product groups, photos and pound prices for some SKUs (appended rows only: the others keep their places)."""
    by_sku = {row["SKU"]: row for row in skus}
    lead_sku, sizes = RING_GROUP
    lead = by_sku[lead_sku]
    lead["Product Group"] = lead["Product Name"]
    for n, size in enumerate(sizes, start=1):
        variant = dict(lead, SKU=f"{lead_sku}-{size}", **{"Ring Size": Decimal(size), "Stock": 3 + n})
        variant["Metal Weight (g)"] = (lead["Metal Weight (g)"] + Decimal("0.12") * n).quantize(Decimal("0.01"))
        skus.append(variant)
    for i, row in enumerate(skus):
        if row["SKU"].startswith(lead_sku) or i % 3 == 0:
            row["Image URLs"] = "\n".join(f"{IMAGE_HOST}/{row['SKU'].lower()}-{n}.jpg" for n in (1, 2))
        if "NOTHS" in row["Channels"] and i % 2 == 0 and isinstance(row["Price"], float):
            row["GBP Price"] = round(row["Price"] * 0.78 / 5) * 5.0  # priced for the UK by hand
    pendant = by_sku["PD-AUR-150"]  # a 9 g vermeil pendant: a silver article, hallmarked from 7.78 g
    pendant.update({"Metal Weight (g)": Decimal("9.00"), "Hallmarked": None})
