"""Division codes and names as sources give them (read by selectors, importers and the API)."""

# Statistical placeholders that group counties without being a place of their own
# (上海市 → 市辖区 → 静安区). They are kept in the tree but left out of children's full names,
# so 静安区 is "上海市静安区" whether or not the data has the 市辖区 level.
PLACEHOLDER_NAMES = frozenset(
    {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划", "省直辖县级行政单位"}
)


def normalize_code(code: str) -> str:
    """A division code of 2, 4, 6, 9 or 12 digits, padded to the 12-digit statistical code."""
    code = (code or "").strip()
    if not code.isdigit() or len(code) not in (2, 4, 6, 9, 12):
        raise ValueError(code)
    return code.ljust(12, "0")
