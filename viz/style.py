"""How each entity and relation type looks on the page: one table, used for drawing and the legend.

Shapes are vis-network shapes that draw the label below the node, so size by degree stays readable.
Colours are the Tableau-10 palette (distinct for colour-blind readers in most pairs).
"""
from __future__ import annotations

from kg.graph import EDGE_TYPES, NODE_TYPES

NODE_STYLE: dict[str, dict[str, str]] = {
    "Official": {"color": "#d62728", "shape": "dot", "zh": "官员"},
    "Person": {"color": "#ff7f0e", "shape": "triangle", "zh": "人物"},
    "Organization": {"color": "#1f77b4", "shape": "square", "zh": "机构"},
    "Meeting": {"color": "#2ca02c", "shape": "diamond", "zh": "会议"},
    "Policy": {"color": "#9467bd", "shape": "star", "zh": "政策"},
    "Place": {"color": "#8c564b", "shape": "hexagon", "zh": "地点"},
}
OTHER_NODE = {"color": "#7f7f7f", "shape": "ellipse", "zh": "其他"}

EDGE_STYLE: dict[str, dict[str, str]] = {
    "attended": {"color": "#6b8fb3", "zh": "出席"},
    "presided": {"color": "#d62728", "zh": "主持"},
    "addressed": {"color": "#ff7f0e", "zh": "讲话"},
    "convened": {"color": "#1f77b4", "zh": "召开"},
    "emphasised": {"color": "#9467bd", "zh": "强调"},
    "directed": {"color": "#2ca02c", "zh": "要求"},
    "co-attended": {"color": "#6b8fb3", "zh": "共同出席"},
}
OTHER_EDGE = {"color": "#999999", "zh": "其他"}

# Font stack for labels (canvas) and the page: CJK-capable fonts, so Chinese never falls back to
# boxes. DejaVu Sans comes before WenQuanYi Micro Hei because WenQuanYi draws the third-tone pinyin
# vowels (ǎ ǐ ǒ ǔ) as blanks; DejaVu has no CJK glyphs, so Chinese still comes from a CJK font.
FONT_STACK = ('"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", '
              '"DejaVu Sans", "WenQuanYi Micro Hei", sans-serif')

assert set(NODE_STYLE) == set(NODE_TYPES) and set(EDGE_TYPES) <= set(EDGE_STYLE)


def node_style(node_type: str) -> dict[str, str]:
    return NODE_STYLE.get(node_type, OTHER_NODE)


def edge_style(edge_type: str) -> dict[str, str]:
    return EDGE_STYLE.get(edge_type, OTHER_EDGE)


def node_size(degree: int) -> float:
    """Area grows with degree; capped so hubs do not cover their neighbours."""
    return round(min(10.0 + 4.0 * degree ** 0.5, 48.0), 1)


# --color community: one colour per co-attendance community (numbered by size, largest 0); smaller
# communities share OTHER_COMMUNITY, nodes outside the network (and non-officials) NO_COMMUNITY
COMMUNITY_COLORS = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
                    "#9c755f", "#17becf", "#bcbd22", "#8c6d31")
OTHER_COMMUNITY = "#a0a0a0"
NO_COMMUNITY = "#dcdcdc"
SIZES = ("degree", "weighted-degree", "betweenness")  # --size: degree in the view, or a measure
COLORS = ("type", "community")  # --color


def community_color(community: int | None) -> str:
    if community is None:
        return NO_COMMUNITY
    return COMMUNITY_COLORS[community] if 0 <= community < len(COMMUNITY_COLORS) else OTHER_COMMUNITY


def share_size(share: float) -> float:
    """Size for a value as a share (0..1) of the largest in the view: area grows with it."""
    return round(10.0 + 30.0 * max(0.0, min(share, 1.0)) ** 0.5, 1)
