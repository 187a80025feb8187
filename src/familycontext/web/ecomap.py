"""The ecomap drawn (issue 10): gather flags for the person's family, lay it out with Graphviz,
and return SVG that is safe to put inline in a page.

Layout is Graphviz's ``twopi`` (radial: the person at the centre, related individuals on the
first ring, their services outside), run as a subprocess with a timeout. Its SVG is parsed and
rebuilt from an allow-list of elements and attributes: no scripts, links, style attributes or
event handlers reach the page, so the Content Security Policy (``style-src 'self'``, no inline
script) has nothing to block. Presentation attributes (``fill=``, ``stroke=``) are not styles and
are kept.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass

from markupsafe import Markup

from familycontext.disclosure import Disclosure, PersonDisclosure
from familycontext.involvement.cards import Card
from familycontext.people.ecomap import (
    SAME_ADDRESS,
    Ecomap,
    PersonNode,
    Related,
    ServiceFlag,
    build_ecomap,
)
from familycontext.sources.services import ADULT_SOCIAL_CARE, HOUSING, POLICE, SCHOOL

log = logging.getLogger(__name__)

SVG_NS = "http://www.w3.org/2000/svg"
LAYOUT_TIMEOUT_SECONDS = 10

# Shape and fill per service: the shape and the label tell services apart, never colour alone.
SERVICE_STYLE = {
    SCHOOL: ("box", "#d2e2f1"),
    HOUSING: ("house", "#f8e8c8"),
    ADULT_SOCIAL_CARE: ("hexagon", "#d9ecdb"),
    POLICE: ("parallelogram", "#e8e1ef"),
}
SHAPE_NAMES = {SCHOOL: "rectangle", HOUSING: "house shape", ADULT_SOCIAL_CARE: "hexagon",
               POLICE: "slanted box (parallelogram)"}


@dataclass(frozen=True)
class FamilyFlags:
    """The ecomap and the closed cards it was made from (for the print page's sources)."""

    ecomap: Ecomap
    cards: dict[str, list[Card]]  # person id -> cards (only people whose services are shown)


def flags_from_cards(cards: Iterable[Card]) -> list[ServiceFlag]:
    """Closed-card flags only: the card's details are dropped here, never passed on."""
    return [ServiceFlag(c.service, c.title, c.shown_for_age and c.records_found, c.source_name)
            for c in cards]


def family_flags(disclosed: PersonDisclosure, disclosure: Disclosure) -> FamilyFlags:
    """The ecomap of what ``disclosure`` allows: the related individuals the person page lists
    and the closed-card flags of each one whose flags may be shown (restricted people not opened
    by break-glass are drawn without services)."""
    related = [Related(SAME_ADDRESS if r.same_address else r.relationship, r.person, r.cms_id)
               for r in disclosed.related]
    cards = disclosure.family_cards(disclosed)
    flags = {pid: flags_from_cards(c) for pid, c in cards.items()}
    ecomap = build_ecomap(disclosed.person, related, flags, today=disclosure.today,
                          unrestricted=disclosure.opened)
    return FamilyFlags(ecomap, cards)


def shown_people(ecomap: Ecomap) -> list[str]:
    """Ids of the people the ecomap shows (each one's view is audited)."""
    return [p.person_id for p in ecomap.people if p.person_id]


# --- Graphviz -----------------------------------------------------------------------------------

def _quote(text: str) -> str:
    """A DOT double-quoted string. Backslashes are doubled so that Graphviz's own escapes
    (\\N, \\G, \\l) in a name cannot change the label; line breaks become spaces."""
    cleaned = " ".join(text.replace("\\", "\\\\").replace('"', '\\"').split())
    return f'"{cleaned}"'


def _label(*lines: str) -> str:
    return '"' + "\\n".join(_quote(line)[1:-1] for line in lines if line) + '"'


def _person_label(p: PersonNode) -> str:
    lines = [p.name, p.relationship, p.age]
    if p.withheld:
        lines.append("Restricted record")
    return _label(*lines)


def dot_source(ecomap: Ecomap) -> str:
    """The graph in the DOT language, every node with a stable id for the SVG and the tests."""
    out = [
        "graph ecomap {",
        f'  graph [root={_quote(ecomap.centre.node_id)}, overlap=false, ranksep=1.3, '
        'fontname="Arial", bgcolor="transparent", pad=0.1];',
        '  node [fontname="Arial", fontsize=12, style=filled, fillcolor="#ffffff", '
        'color="#0b0c0c", fontcolor="#0b0c0c", penwidth=1.5];',
        '  edge [color="#505a5f", penwidth=1.5];',
    ]
    for p in ecomap.people:
        attrs = [f"id={_quote(p.node_id)}", f"label={_person_label(p)}",
                 'class="fc-ecomap__person"', "shape=ellipse"]
        if p.is_centre:
            attrs += ["peripheries=2", "penwidth=2.5"]
        if p.withheld or p.person_id is None:
            attrs += ['style="filled,dashed"', 'fillcolor="#f3f2f1"']
        out.append(f"  {_quote(p.node_id)} [{', '.join(attrs)}];")
        for s in p.services:
            shape, fill = SERVICE_STYLE.get(s.service, ("box", "#ffffff"))
            out.append(
                f"  {_quote(s.node_id)} [id={_quote(s.node_id)}, label={_label(s.title, 'Records found')}, "
                f'class="fc-ecomap__service", shape={shape}, fillcolor="{fill}"];'
            )
    for e in ecomap.edges:
        style = ', style=dashed' if e.kind == "service" else ""
        out.append(f"  {_quote(e.tail)} -- {_quote(e.head)} [id={_quote(f'{e.tail}--{e.head}')}{style}];")
    out.append("}")
    return "\n".join(out) + "\n"


def layout_svg(dot: str, timeout: float = LAYOUT_TIMEOUT_SECONDS) -> str | None:
    """Run Graphviz; None (logged) when it is missing, fails or takes too long, so the page
    still shows the list."""
    binary = shutil.which("dot")
    if binary is None:
        log.warning("Graphviz 'dot' not found: the ecomap is shown as a list only")
        return None
    try:
        done = subprocess.run([binary, "-Ktwopi", "-Tsvg"], input=dot.encode("utf-8"),
                              capture_output=True, timeout=timeout, check=False)
    except (subprocess.TimeoutExpired, OSError) as error:
        log.warning("Graphviz did not draw the ecomap: %s", error)
        return None
    if done.returncode != 0:
        log.warning("Graphviz failed (%s): %s", done.returncode, done.stderr.decode("utf-8", "replace")[:500])
        return None
    return done.stdout.decode("utf-8")


# --- Sanitising -------------------------------------------------------------------------------

ALLOWED_ELEMENTS = {"svg", "g", "polygon", "polyline", "ellipse", "path", "text", "line", "rect", "circle"}
ALLOWED_ATTRIBUTES = {
    "id", "class", "viewBox", "width", "height", "transform", "points", "cx", "cy", "rx", "ry",
    "r", "d", "x", "y", "x1", "y1", "x2", "y2", "fill", "stroke", "stroke-width", "stroke-dasharray",
    "text-anchor", "font-family", "font-size", "font-weight", "font-style",
}


def _clean(element: ET.Element) -> ET.Element | None:
    tag = element.tag.removeprefix("{" + SVG_NS + "}")
    if tag not in ALLOWED_ELEMENTS:
        return None  # Graphviz's per-node <title> (internal ids), and anything unexpected
    clean = ET.Element(tag, {k: v for k, v in element.attrib.items() if k in ALLOWED_ATTRIBUTES})
    clean.text = element.text if tag == "text" else None
    for child in element:
        kept = _clean(child)
        if kept is not None:
            clean.append(kept)
    return clean


def sanitise_svg(svg: str, *, title: str, description: str, id_prefix: str = "ecomap") -> Markup:
    """Rebuild Graphviz's SVG from the allow-list, with our own <title> and <desc>, as an
    image with an accessible name. Raises ``ValueError`` on anything that is not one SVG."""
    start = svg.find("<svg")
    if start < 0:
        raise ValueError("not an SVG document")
    # The prolog and DOCTYPE are dropped before parsing: no entity is ever expanded.
    root = ET.fromstring(svg[start:])
    if root.tag != f"{{{SVG_NS}}}svg":
        raise ValueError("not an SVG document")
    clean = _clean(root)
    assert clean is not None
    # width and height (Graphviz's natural size, in points) stay: CSS scales the picture down
    # to its column with max-width, keeping the viewBox's proportions.
    clean.set("xmlns", SVG_NS)
    clean.set("role", "img")
    clean.set("class", "fc-ecomap__picture")
    clean.set("aria-labelledby", f"{id_prefix}-title")
    clean.set("aria-describedby", f"{id_prefix}-desc")
    clean.set("focusable", "false")
    title_el = ET.Element("title", {"id": f"{id_prefix}-title"})
    title_el.text = title
    desc_el = ET.Element("desc", {"id": f"{id_prefix}-desc"})
    desc_el.text = description
    clean.insert(0, desc_el)
    clean.insert(0, title_el)
    return Markup(ET.tostring(clean, encoding="unicode", short_empty_elements=True))


def draw(ecomap: Ecomap) -> Markup | None:
    """The ecomap as inline SVG, or None when Graphviz could not draw it."""
    svg = layout_svg(dot_source(ecomap))
    if svg is None:
        return None
    try:
        return sanitise_svg(svg, title=ecomap.title, description=ecomap.description)
    except (ValueError, ET.ParseError) as error:
        log.warning("Graphviz output rejected: %s", error)
        return None
