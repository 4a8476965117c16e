"""harness/differential/sxml.py: a scenario as a small tree (Node), written out always the same way.

The generator builds scenarios as Node trees and the shrinker edits them; both write them with serialize(), whose
output depends on nothing but the tree: attributes in insertion order, two spaces of indentation, one element a line.
parse() reads any scenario file back into a tree (comments and processing instructions are dropped), so the shrinker
also works on scenarios written by hand.
"""
import xml.etree.ElementTree as ET

KIB = 1024
MIB = 1024 * 1024

# size units of docs/scenario-format.md, "Values": all powers of 1024
_UNITS = {'': 1, 'K': KIB, 'KiB': KIB, 'M': MIB, 'MiB': MIB, 'G': 1 << 30, 'GiB': 1 << 30,
          'T': 1 << 40, 'TiB': 1 << 40}


class Node:
    __slots__ = ('tag', 'attrs', 'children', 'text')

    def __init__(self, tag, attrs=None, children=None, text=None):
        self.tag = tag
        self.attrs = dict(attrs or {})
        self.children = list(children or [])
        self.text = text

    def copy(self):
        return Node(self.tag, self.attrs, [c.copy() for c in self.children], self.text)

    def child(self, tag):
        """The first child element called tag, or None."""
        for c in self.children:
            if c.tag == tag:
                return c
        return None


def _escape(s, quote):
    s = s.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')
    return s.replace('"', '&quot;') if quote else s


def _render(node, depth, out):
    pad = '  ' * depth
    attrs = ''.join(f' {k}="{_escape(str(v), True)}"' for k, v in node.attrs.items())
    if node.text is not None and not node.children:
        out.append(f'{pad}<{node.tag}{attrs}>{_escape(node.text, False)}</{node.tag}>')
    elif not node.children:
        out.append(f'{pad}<{node.tag}{attrs}/>')
    else:
        out.append(f'{pad}<{node.tag}{attrs}>')
        for c in node.children:
            _render(c, depth + 1, out)
        out.append(f'{pad}</{node.tag}>')


def serialize(root):
    out = ['<?xml version="1.0"?>']
    _render(root, 0, out)
    return '\n'.join(out) + '\n'


def _from_et(e):
    text = e.text.strip() if e.text and e.text.strip() and len(e) == 0 else None
    return Node(e.tag, e.attrib, [_from_et(c) for c in e if isinstance(c.tag, str)], text)


def parse(text):
    return _from_et(ET.fromstring(text))


def parse_size(value):
    """Bytes of a scenario size ("4MiB", "25 pages", "4096"), or None for "max" or anything else."""
    v = value.strip()
    for suffix, mult in ((' pages', 4096), ('pages', 4096), (' page', 4096), ('page', 4096)):
        if v.endswith(suffix) and v[:-len(suffix)].strip().isdigit():
            return int(v[:-len(suffix)].strip()) * mult
    num = v.rstrip('KMGTiB ')
    unit = v[len(num):].strip()
    if num.isdigit() and unit in _UNITS:
        return int(num) * _UNITS[unit]
    return None


def format_size(nbytes):
    """The shortest exact spelling of a size: "4MiB", "12KiB" or bytes."""
    for mult, unit in ((MIB, 'MiB'), (KIB, 'KiB')):
        if nbytes and nbytes % mult == 0:
            return f'{nbytes // mult}{unit}'
    return str(nbytes)
