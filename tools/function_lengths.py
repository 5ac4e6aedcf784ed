#!/usr/bin/env python3
"""Lists C functions longer than a limit (default 100 lines, the project's style rule).

Usage: tools/function_lengths.py [--max N] FILE...
Counts from the line of a function's signature to its closing brace, with comments
and string literals blanked first; initializer tables (`= {`) are not functions.
Prints one line per long function and exits 1 when there is any, 0 otherwise.
"""
import re
import sys


def blank(src):
    """The source with comments, strings and character literals emptied, line breaks kept."""
    keep_lines = lambda m: "\n" * m.group(0).count("\n")
    src = re.sub(r"/\*.*?\*/", keep_lines, src, flags=re.S)
    src = re.sub(r"//[^\n]*", "", src)
    src = re.sub(r'"(\\.|[^"\\\n])*"', '""', src)
    return re.sub(r"'(\\.|[^'\\\n])*'", "''", src)


def long_functions(path, limit):
    src = blank(open(path, encoding="utf-8", errors="replace").read())
    depth, line, head_start, head = 0, 1, 1, ""
    start = name = None
    for ch in src:
        if ch == "\n":
            line += 1
        if depth == 0 and ch not in "{};":
            if not head.strip() and not ch.isspace():
                head_start = line
            head += ch
        if ch == "{":
            if depth == 0:
                sig = head.strip()
                found = re.search(r"(\w+)\s*\([^;]*\)\s*$", sig)
                is_function = found is not None and not re.search(r"=\s*$", sig) and "=" not in sig.split("(")[0]
                start, name = (head_start, found.group(1)) if is_function else (None, None)
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                if start is not None and line - start + 1 > limit:
                    yield line - start + 1, start, name
                head, start = "", None
        elif ch == ";" and depth == 0:
            head = ""


def main(argv):
    limit = 100
    if len(argv) > 1 and argv[0] == "--max":
        limit, argv = int(argv[1]), argv[2:]
    found = 0
    for path in argv:
        for n, start, name in long_functions(path, limit):
            print(f"{path}:{start}: {name} is {n} lines (more than {limit})")
            found += 1
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
