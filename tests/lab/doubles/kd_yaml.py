# TEST DOUBLE support (not a real Kubernetes binary): the small YAML subset the kube doubles read
# and write. Reads block mappings and sequences, "- key: value" items, plain, single- and
# double-quoted scalars, flow lists/maps without nesting quirks, | and > block scalars, comments
# and multi-document streams (what yaml-cpp emits for acpctl's kubeadm configs and what
# hand-written Kubernetes manifests use). Not supported: anchors, aliases, tags, complex keys,
# multi-line plain or quoted scalars. Writes block YAML with JSON-quoted strings.
import json
import re

_INT = re.compile(r"^[-+]?[0-9]+$")
_FLOAT = re.compile(r"^[-+]?([0-9]+\.[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$")


def _strip_comment(text):
    quote = None
    for i, ch in enumerate(text):
        if quote:
            if ch == quote and not (quote == '"' and text[i - 1] == "\\"):
                quote = None
        elif ch in "\"'" and (i == 0 or text[i - 1] in " \t:[{,-"):
            quote = ch
        elif ch == "#" and (i == 0 or text[i - 1] in " \t"):
            return text[:i].rstrip()
    return text.rstrip()


def _split_top(text, sep):
    """Split TEXT at SEP outside quotes and brackets."""
    parts, depth, quote, cur = [], 0, None, ""
    for ch in text:
        if quote:
            quote = None if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        elif ch == sep and depth == 0:
            parts.append(cur)
            cur = ""
            continue
        cur += ch
    parts.append(cur)
    return parts


def _key_split(text):
    """(key, rest) if TEXT is 'key: rest' or 'key:', else None."""
    parts = re.match(r'^("(?:[^"\\]|\\.)*"|\'(?:[^\']|\'\')*\'|[^"\'\[\]{}#][^#]*?)\s*:(\s+(.*))?$',
                     text)
    if not parts or (text[0] not in "\"'" and ": " not in text + " " and not text.endswith(":")):
        return None
    return scalar(parts.group(1)), (parts.group(3) or "")


def scalar(text):
    text = text.strip()
    if text.startswith('"'):
        return json.loads(text)
    if text.startswith("'"):
        return text[1:-1].replace("''", "'")
    if text.startswith("["):
        inner = text[1:-1].strip()
        return [scalar(p) for p in _split_top(inner, ",")] if inner else []
    if text.startswith("{"):
        inner = text[1:-1].strip()
        out = {}
        for part in (_split_top(inner, ",") if inner else []):
            key, rest = _key_split(part.strip())
            out[key] = scalar(rest)
        return out
    if text in ("", "~", "null", "Null", "NULL"):
        return None
    if text in ("true", "True", "TRUE"):
        return True
    if text in ("false", "False", "FALSE"):
        return False
    if _INT.match(text):
        return int(text)
    if _FLOAT.match(text):
        return float(text)
    return text


class _Parser:
    def __init__(self, text):
        self.raw = text.split("\n")
        self.lines = []  # (indent, text, raw index)
        for idx, line in enumerate(self.raw):
            body = _strip_comment(line)
            if body.strip():
                self.lines.append([len(body) - len(body.lstrip(" ")), body.strip(), idx])
        self.pos = 0

    def peek(self):
        return self.lines[self.pos] if self.pos < len(self.lines) else None

    def block(self, indent):
        line = self.peek()
        if line is None or line[0] < indent:
            return None
        if line[1] == "-" or line[1].startswith("- "):
            return self.sequence(line[0])
        return self.mapping(line[0])

    def sequence(self, indent):
        out = []
        while (line := self.peek()) and line[0] == indent and (line[1] == "-" or line[1].startswith("- ")):
            rest = line[1][1:].strip()
            if not rest:
                self.pos += 1
                out.append(self.block(indent + 1))
                continue
            offset = len(line[1]) - len(line[1][1:].lstrip())
            line[0], line[1] = indent + offset, rest  # the item continues at its own column
            if _key_split(rest) is not None and not rest.startswith(("[", "{")):
                out.append(self.mapping(line[0]))
            else:
                self.pos += 1
                out.append(scalar(rest))
        return out

    def mapping(self, indent):
        out = {}
        while (line := self.peek()) and line[0] == indent:
            split = _key_split(line[1])
            if split is None:
                raise ValueError("line %d: expected 'key: value': %s" % (line[2] + 1, line[1]))
            key, rest = split
            self.pos += 1
            if rest[:1] in ("|", ">"):
                out[key] = self.block_scalar(indent, rest)
            elif rest:
                out[key] = scalar(rest)
            else:
                nxt = self.peek()
                seq_here = nxt and nxt[0] == indent and (nxt[1] == "-" or nxt[1].startswith("- "))
                out[key] = self.sequence(indent) if seq_here else self.block(indent + 1)
        return out

    def block_scalar(self, indent, header):
        start = self.lines[self.pos - 1][2] + 1
        while self.pos < len(self.lines) and self.lines[self.pos][0] > indent:
            self.pos += 1
        end = self.lines[self.pos][2] if self.pos < len(self.lines) else len(self.raw)
        body = self.raw[start:end]
        while body and not body[-1].strip():
            body.pop()
        cut = min((len(l) - len(l.lstrip(" ")) for l in body if l.strip()), default=0)
        body = [l[cut:] for l in body]
        text = "\n".join(body) if header[0] == "|" else " ".join(l for l in body if l)
        return text if "-" in header else text + "\n"


def documents(text):
    """Every document of a YAML stream (text split at '---' lines), parsed."""
    docs, cur = [], []
    for line in text.split("\n") + ["---"]:
        if line.rstrip() == "---" or line.startswith("--- "):
            if "\n".join(cur).strip():
                docs.append(load("\n".join(cur)))
            cur = []
        elif line.rstrip() != "...":
            cur.append(line)
    return docs


def load(text):
    text = text.strip()
    if text.startswith(("{", "[")):
        return json.loads(text)
    return _Parser(text).block(0)


def _emit(value, indent, out):
    pad = " " * indent
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, (dict, list)) and item:
                out.append("%s%s:" % (pad, key))
                _emit(item, indent + (0 if isinstance(item, list) else 2), out)
            else:
                out.append("%s%s: %s" % (pad, key, _plain(item)))
    else:
        for item in value:
            if isinstance(item, (dict, list)) and item:
                sub = []
                _emit(item, indent + 2, sub)
                out.append(pad + "- " + sub[0].lstrip())
                out.extend(sub[1:])
            else:
                out.append("%s- %s" % (pad, _plain(item)))


def _plain(value):
    if value == {}:
        return "{}"
    if value == []:
        return "[]"
    return json.dumps(value)


def dump(value):
    out = []
    _emit(value, 0, out)
    return "\n".join(out) + "\n"
