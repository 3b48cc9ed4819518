#!/usr/bin/env python3
"""The team's code-size rules, measured: every function in src/ under 80 lines, every file
under 300 lines.

A function's length is the lines from the one holding the opening `{` of its body through the
one holding its closing `}` (a one-line body counts 1); lambdas and local classes count toward
the function that holds them. A file's length is its number of lines.

  usage: scripts/sizes.py [-n N] [--max-function L] [--max-file L] [--allow FILE] [ROOT]

Prints the N longest functions (`LINES FILE:LINE NAME`), the N longest files (`LINES FILE`)
and a summary line. With --max-function / --max-file, a function of L lines or more (a file of
L lines or more) breaks the rule ("under L"): every such offender is listed and the exit status
is 1. --allow names a file of paths (relative to ROOT, one a line, `#` comments) exempt from
both limits for now. ROOT defaults to the repository holding this script; src/ under it is
scanned for .cpp and .hpp files.
"""

import argparse
import os
import re
import sys

KEYWORDS_NOT_NAMES = {"if", "for", "while", "switch", "catch", "return", "sizeof", "alignof",
                      "decltype", "noexcept", "alignas", "requires", "static_assert"}
# Tokens that may follow a function's `)` before its body.
TRAILING = {"const", "noexcept", "override", "final", "volatile", "&", "&&", "mutable",
            "constexpr", "consteval", "try"}
CLASS_KEYS = {"struct", "class", "union", "enum"}
ACCESS = {"public", "private", "protected"}



def skip_block_comment(text, i, line):
    """Skips the /* ... */ comment starting at i; returns (position after it, line count)."""
    end = text.find("*/", i + 2)
    end = len(text) if end < 0 else end + 2
    return end, line + text.count("\n", i, end)

def tokenize(text):
    """Yields (token, line) for C++ text, without comments, preprocessor lines, and with every
    string or character literal (raw strings included) as one token `""`."""
    i, n, line = 0, len(text), 1
    at_line_start = True
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
            i += 1
            at_line_start = True
            continue
        if c in " \t\r\f\v":
            i += 1
            continue
        if c == "#" and at_line_start:
            # A preprocessor directive, with its backslash continuations and comments.
            while i < n and text[i] != "\n":
                if text.startswith("/*", i):
                    i, line = skip_block_comment(text, i, line)
                    continue
                if text[i] == "\\" and i + 1 < n and text[i + 1] == "\n":
                    line += 1
                    i += 2
                    continue
                i += 1
            continue
        at_line_start = False
        if text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        if text.startswith("/*", i):
            i, line = skip_block_comment(text, i, line)
            continue
        m = re.compile(r'(?:u8|u|U|L)?R"([^ ()\\\t\n]{0,16})\(').match(text, i)
        if m:
            close = ")" + m.group(1) + '"'
            end = text.find(close, m.end())
            end = n if end < 0 else end + len(close)
            yield '""', line
            line += text.count("\n", i, end)
            i = end
            continue
        m = re.compile(r"(?:u8|u|U|L)?([\"'])").match(text, i)
        if m and (m.start(1) == i or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            quote = m.group(1)
            j = m.end()
            while j < n and text[j] != quote and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            yield '""', line
            i = j + 1
            continue
        if c.isdigit() or (c == "." and i + 1 < n and text[i + 1].isdigit()):
            # A pp-number: digit separators (1'000) and exponents (1e+3) included.
            m = re.compile(r"\.?\d(?:[eEpP][+-]|'[0-9a-zA-Z]|[0-9a-zA-Z_.])*").match(text, i)
            yield m.group(0), line
            i = m.end()
            continue
        if c.isalpha() or c == "_":
            m = re.compile(r"[A-Za-z_]\w*").match(text, i)
            yield m.group(0), line
            i = m.end()
            continue
        for op in ("::", "->", "&&", "==", "!=", "<=", ">=", "<<"):
            if text.startswith(op, i):
                yield op, line
                i += len(op)
                break
        else:
            yield c, line
            i += 1


def top_level(tokens):
    """Yields (index, token) of tokens outside any (), [] and template <> of the statement."""
    depth = 0
    angle = 0
    prev = None
    for k, t in enumerate(tokens):
        if t in "([":
            depth += 1
        elif t in ")]":
            depth -= 1
        elif depth == 0 and t == "<" and prev == "template":
            angle = 1
        elif angle and t == "<":
            angle += 1
        elif angle and t == ">":
            angle -= 1
        elif depth == 0 and angle == 0:
            yield k, t
        prev = t


def function_name(tokens):
    """The (qualified) name before the first top-level `(` of a declaration, or None."""
    depth = 0
    angle = 0
    prev = None
    for k, t in enumerate(tokens):
        if t == "<" and prev == "template":
            angle = 1
        elif angle and t == "<":
            angle += 1
        elif angle and t == ">":
            angle -= 1
        elif angle == 0 and t == "(" and depth == 0:
            if k == 0:
                return None
            j = k - 1
            parts = []
            # operator== and friends: the name ends in symbols after `operator`.
            sym = []
            while j >= 0 and not re.match(r"\w", tokens[j]) and tokens[j] not in ("::", ")", "]"):
                sym.insert(0, tokens[j])
                j -= 1
            if not sym and tokens[j] == "operator":
                # operator()(...): the first `(` is part of the name.
                parts = ["operator()"]
                j -= 1
            elif sym and j >= 0 and tokens[j] == "operator":
                parts = ["operator" + "".join(sym)]
                j -= 1
            elif sym:
                return None
            elif re.match(r"[A-Za-z_]\w*$", tokens[j]) and tokens[j] not in KEYWORDS_NOT_NAMES:
                parts = [tokens[j]]
                j -= 1
                if j >= 0 and tokens[j] == "~":
                    parts[0] = "~" + parts[0]
                    j -= 1
            else:
                return None
            while j >= 1 and tokens[j] == "::" and re.match(r"\w+$", tokens[j - 1]):
                parts.insert(0, tokens[j - 1] + "::")
                j -= 2
            return "".join(parts)
        elif t in "([":
            depth += 1
        elif t in ")]":
            depth -= 1
        prev = t
    return None


def classify(tokens):
    """What a `{` after these tokens (at namespace or class scope) opens: 'function',
    'scope' (namespace, class, enum, extern "C"), 'init' (a brace initializer) or 'ctor-init'
    (a member's brace initializer in a constructor's initializer list)."""
    top = list(top_level(tokens))
    top_tokens = [t for _, t in top]
    if not tokens:
        return "init"
    if "namespace" in top_tokens or (tokens[0] == "extern" and tokens[1:] == ['""']):
        return "scope"
    # `=` outside parentheses (not operator=): a variable with an initializer.
    for k, t in top:
        if t == "=" and not (k > 0 and tokens[k - 1] == "operator"):
            return "init"
    has_parens = "(" in tokens
    if any(t in CLASS_KEYS for t in top_tokens) and not (has_parens and tokens[-1] == ")"):
        return "scope"
    if not has_parens:
        return "init"
    last = tokens[-1]
    # Constructor initializer list: `) : m_a(x), m_b{y} {` -- the body follows `)` or `}`.
    for k, t in top:
        if t == ":" and k > 0 and tokens[k - 1] == ")":
            return "function" if last in (")", "}") else "ctor-init"
    k = len(tokens) - 1
    while k >= 0 and tokens[k] in TRAILING:
        k -= 1
    # `)` of the parameters, or of noexcept(...), after the qualifiers.
    if k >= 0 and tokens[k] == ")":
        return "function"
    if "->" in top_tokens:
        return "function"
    return "init"


def measure_functions(text):
    """Returns [(lines, line_of_open_brace, name)] for the functions defined in text."""
    # The stack holds what each open brace is: 'scope', 'function', 'block' (inside a
    # function, or an initializer).
    stack = []
    statement = []
    found = []
    fn_start = None
    fn_name = None
    for tok, line in tokenize(text):
        in_function = any(kind == "function" for kind in stack)
        if in_function or (stack and stack[-1] == "block"):
            if tok == "{":
                stack.append("block")
            elif tok == "}":
                kind = stack.pop() if stack else None
                if kind == "function":
                    found.append((line - fn_start + 1, fn_start, fn_name))
                    statement = []
                elif not in_function and (not stack or stack[-1] != "block"):
                    # The end of a brace initializer at namespace or class scope (or of a
                    # member's in a constructor's initializer list): the declaration goes on.
                    statement.append("}")
            continue
        # At namespace or class scope.
        if tok == "{":
            kind = classify(statement)
            if kind == "function":
                fn_start = line
                fn_name = function_name(statement) or "?"
                stack.append("function")
                statement = []
            elif kind == "scope":
                stack.append("scope")
                statement = []
            else:
                stack.append("block")
                statement.append("{")
            continue
        if tok == "}":
            if stack:
                stack.pop()
            statement = []
            continue
        if tok == ";":
            statement = []
            continue
        if tok == ":" and len(statement) == 1 and statement[0] in ACCESS:
            statement = []
            continue
        statement.append(tok)
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", nargs="?",
                        default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parser.add_argument("-n", type=int, default=15, help="how many of each to print (15)")
    parser.add_argument("--max-function", type=int, help="functions must be under this many lines")
    parser.add_argument("--max-file", type=int, help="files must be under this many lines")
    parser.add_argument("--allow", help="file of paths exempt from the limits, one a line")
    args = parser.parse_args()

    functions = []
    files = []
    src = os.path.join(args.root, "src")
    for dirpath, dirnames, filenames in os.walk(src):
        dirnames.sort()
        for f in sorted(filenames):
            if not f.endswith((".cpp", ".hpp")):
                continue
            path = os.path.join(dirpath, f)
            rel = os.path.relpath(path, args.root)
            with open(path, encoding="utf-8", errors="replace") as fh:
                text = fh.read()
            files.append((text.count("\n") + (0 if text.endswith("\n") or not text else 1), rel))
            for lines, line, name in measure_functions(text):
                functions.append((lines, rel, line, name))

    functions.sort(key=lambda r: (-r[0], r[1], r[2]))
    files.sort(key=lambda r: (-r[0], r[1]))
    print("longest functions:")
    for lines, rel, line, name in functions[:args.n]:
        print(f"{lines:5} {rel}:{line} {name}")
    print("longest files:")
    for lines, rel in files[:args.n]:
        print(f"{lines:5} {rel}")
    if functions and files:
        lines, rel, line, name = functions[0]
        print(f"longest function: {lines} lines ({rel}:{line} {name}); "
              f"longest file: {files[0][0]} lines ({files[0][1]})")

    if args.max_function is None and args.max_file is None:
        return 0
    allowed = set()
    if args.allow:
        with open(args.allow, encoding="utf-8") as fh:
            for raw in fh:
                entry = raw.split("#", 1)[0].strip()
                if entry:
                    allowed.add(os.path.normpath(entry))
    offenders = []
    if args.max_function is not None:
        offenders += [f"function {lines} lines >= {args.max_function}: {rel}:{line} {name}"
                      for lines, rel, line, name in functions
                      if lines >= args.max_function and rel not in allowed]
    if args.max_file is not None:
        offenders += [f"file {lines} lines >= {args.max_file}: {rel}"
                      for lines, rel in files if lines >= args.max_file and rel not in allowed]
    still = {rel for lines, rel, _, _ in functions
             if args.max_function is not None and lines >= args.max_function}
    still |= {rel for lines, rel in files if args.max_file is not None and lines >= args.max_file}
    for entry in sorted(allowed - still):
        print(f"note: {entry} is allow-listed but within the limits: remove it from the list")
    for o in offenders:
        print(f"offender: {o}")
    if offenders:
        print(f"{len(offenders)} offender(s) of the size rules")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
