#!/usr/bin/python3
"""Generates db/migrations/0003_catalogue_data.sql from the catalogue CSV files.

The standards catalogue is kept as data in db/catalogue/:
  standards.csv   one row per standard (edition)
  *.csv           every other CSV holds the requirements (clauses, controls) of one standard
Lines starting with '#' are comments; the rest of each file is RFC 4180 CSV with a header row.

The migration runner (certcycle migrate) executes SQL files only, as a role that cannot COPY
from server files, so the data reaches the database as a generated SQL migration of INSERTs.
The output is deterministic: the same CSVs always give the same bytes.

Usage:
  python3 db/catalogue/generate.py           validate the CSVs and (re)write the migration
  python3 db/catalogue/generate.py --check   validate, and exit 1 if the checked-in migration
                                             differs from what the CSVs generate (CI runs this)
Exit status: 0 success / up to date, 1 the migration is missing or out of date (--check),
2 invalid catalogue data or usage.

Migrations are applied once and checksummed: once 0003 has been applied to a database that is
kept, a change to the catalogue must ship as a new migration instead of a rewritten 0003.
Standard library only; runs with /usr/bin/python3.
"""

import csv
import datetime
import difflib
import io
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
OUTPUT = os.path.join(REPO, "db", "migrations", "0003_catalogue_data.sql")
STANDARDS_FILE = "standards.csv"

STANDARD_COLUMNS = ["code", "reference", "edition", "title", "family", "status", "superseded_by",
                    "closed_to_new_audits_after", "certificates_valid_until"]
REQUIREMENT_COLUMNS = ["id", "standard_code", "number", "parent_id", "kind", "title", "theme"]

FAMILIES = {"isms", "qms", "ems", "ohs"}
STATUSES = {"current", "withdrawn"}
KINDS = {"clause", "control"}
THEMES = {"organizational", "people", "physical", "technological"}

CODE_RE = re.compile(r"^[A-Z]+[0-9]+(-[0-9]+)*:[0-9]{4}$")
REFERENCE_RE = re.compile(r"^ISO(/IEC)? [0-9]+(-[0-9]+)*:[0-9]{4}$")
CLAUSE_RE = re.compile(r"^[1-9][0-9]*(\.[1-9][0-9]*)*$")
CONTROL_RE = re.compile(r"^A\.[1-9][0-9]*(\.[1-9][0-9]*)+$")


class DataError(Exception):
    pass


def read_csv(name, columns):
    """Returns [(line_number, {column: value})] of a catalogue file, comments skipped."""
    path = os.path.join(HERE, name)
    with open(path, encoding="utf-8", newline="") as f:
        lines = f.read().split("\n")
    body, numbers = [], []
    for i, line in enumerate(lines, 1):
        if line.startswith("#") or (line.strip() == "" and not body):
            continue
        body.append(line)
        numbers.append(i)
    rows = list(csv.reader(io.StringIO("\n".join(body))))
    while rows and rows[-1] == []:
        rows.pop()
    if not rows or rows[0] != columns:
        raise DataError(f"{name}: the header must be {','.join(columns)}")
    out = []
    for n, row in zip(numbers[1:], rows[1:]):
        where = f"{name}:{n}"
        if len(row) != len(columns):
            raise DataError(f"{where}: expected {len(columns)} fields, found {len(row)}")
        out.append((where, dict(zip(columns, row))))
    return out


def check_title(where, title):
    if title != title.strip() or title == "" or re.search(r"\s\s", title) or len(title) > 300:
        raise DataError(f"{where}: bad title {title!r} (empty, padded, double space or too long)")
    if re.search(r"[a-z]\. [a-z]", title):
        raise DataError(f"{where}: title {title!r} has '. ' inside (a comma turned into a period?)")


def check_date(where, value):
    if value == "":
        return None
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        raise DataError(f"{where}: {value!r} is not a YYYY-MM-DD date") from None
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise DataError(f"{where}: {value!r} is not a YYYY-MM-DD date")
    return value


def load_standards():
    standards = []
    codes, references = set(), set()
    for where, s in read_csv(STANDARDS_FILE, STANDARD_COLUMNS):
        code, ref, edition = s["code"], s["reference"], s["edition"]
        if not CODE_RE.match(code):
            raise DataError(f"{where}: bad code {code!r}")
        if not REFERENCE_RE.match(ref):
            raise DataError(f"{where}: bad reference {ref!r}")
        if not re.fullmatch(r"[0-9]{4}", edition) or not code.endswith(":" + edition) \
                or not ref.endswith(":" + edition):
            raise DataError(f"{where}: edition {edition!r} does not match code and reference")
        if code in codes or ref in references:
            raise DataError(f"{where}: duplicate standard {code!r} / {ref!r}")
        codes.add(code)
        references.add(ref)
        check_title(where, s["title"])
        if s["family"] not in FAMILIES:
            raise DataError(f"{where}: family must be one of {sorted(FAMILIES)}")
        if s["status"] not in STATUSES:
            raise DataError(f"{where}: status must be one of {sorted(STATUSES)}")
        if s["superseded_by"] and (s["status"] != "withdrawn" or s["superseded_by"] == code):
            raise DataError(f"{where}: only a withdrawn standard is superseded, by another one")
        closed = check_date(where, s["closed_to_new_audits_after"])
        valid = check_date(where, s["certificates_valid_until"])
        if closed and valid and valid < closed:
            raise DataError(f"{where}: certificates_valid_until before closed_to_new_audits_after")
        standards.append((where, s))
    for where, s in standards:
        if s["superseded_by"] and s["superseded_by"] not in codes:
            raise DataError(f"{where}: superseded_by {s['superseded_by']!r} is not a standard")
    if not standards:
        raise DataError(f"{STANDARDS_FILE}: no standards")
    return [s for _, s in standards]


def load_requirements(standards):
    codes = {s["code"] for s in standards}
    by_standard = {code: [] for code in codes}
    file_of = {}
    names = sorted(n for n in os.listdir(HERE) if n.endswith(".csv") and n != STANDARDS_FILE)
    for name in names:
        for where, r in read_csv(name, REQUIREMENT_COLUMNS):
            code = r["standard_code"]
            if code not in codes:
                raise DataError(f"{where}: unknown standard_code {code!r}")
            if file_of.setdefault(code, name) != name:
                raise DataError(f"{where}: {code} is already in {file_of[code]} (one file per standard)")
            by_standard[code].append((where, r))

    for code, rows in by_standard.items():
        if not rows:
            raise DataError(f"standard {code} has no requirements file")
        seen = {}
        for where, r in rows:
            number, kind, parent = r["number"], r["kind"], r["parent_id"]
            if kind not in KINDS:
                raise DataError(f"{where}: kind must be one of {sorted(KINDS)}")
            if not (CLAUSE_RE if kind == "clause" else CONTROL_RE).match(number):
                raise DataError(f"{where}: bad {kind} number {number!r}")
            if r["id"] != f"{code}/{number}":
                raise DataError(f"{where}: id must be {code}/{number}, not {r['id']!r}")
            if r["id"] in seen:
                raise DataError(f"{where}: duplicate id {r['id']!r} (first at {seen[r['id']]})")
            if kind == "control" or "." not in number:
                if parent:
                    raise DataError(f"{where}: {r['id']} cannot have a parent")
            else:
                expected = f"{code}/{number.rsplit('.', 1)[0]}"
                if parent != expected:
                    raise DataError(f"{where}: parent_id of {r['id']} must be {expected}")
                if parent not in seen:
                    raise DataError(f"{where}: parent {parent} must come before {r['id']}")
            theme = r["theme"]
            if theme and (kind != "control" or theme not in THEMES):
                raise DataError(f"{where}: theme only on controls, one of {sorted(THEMES)}")
            check_title(where, r["title"])
            seen[r["id"]] = where
    return by_standard


def lit(value):
    """A SQL literal: NULL for '', else a standard-conforming quoted string."""
    if value is None or value == "":
        return "NULL"
    return "'" + value.replace("'", "''") + "'"


def render(standards, by_standard):
    out = []
    w = out.append
    w("-- 0003_catalogue_data.sql: the rows of the standards catalogue (tables in 0002_catalogue.sql).")
    w("--")
    w("-- GENERATED by db/catalogue/generate.py from db/catalogue/*.csv: do not edit by hand.")
    w("-- Edit the CSV files and run `python3 db/catalogue/generate.py`; CI runs it with --check.")
    w("-- Runs as the owner inside the migration runner's transaction (no BEGIN/COMMIT).")
    w("--")
    for s in standards:
        rows = [r for _, r in by_standard[s["code"]]]
        clauses = sum(1 for r in rows if r["kind"] == "clause")
        controls = len(rows) - clauses
        w(f"-- {s['reference']:<20} {clauses:3d} clauses {controls:3d} controls")
    w("")
    w("INSERT INTO standards (code, reference, edition, title, family, status, superseded_by,")
    w("                       closed_to_new_audits_after, certificates_valid_until) VALUES")
    vals = []
    for s in standards:
        closed = f"DATE {lit(s['closed_to_new_audits_after'])}" if s["closed_to_new_audits_after"] else "NULL"
        valid = f"DATE {lit(s['certificates_valid_until'])}" if s["certificates_valid_until"] else "NULL"
        vals.append(f"    ({lit(s['code'])}, {lit(s['reference'])}, {int(s['edition'])}, {lit(s['title'])}, "
                    f"{lit(s['family'])}, {lit(s['status'])}, {lit(s['superseded_by'])}, {closed}, {valid})")
    w(",\n".join(vals) + ";")
    for s in standards:
        w("")
        w(f"-- {s['reference']}")
        w("INSERT INTO requirements (id, standard_code, number, parent_id, kind, title, theme, position) VALUES")
        vals = []
        for position, (_, r) in enumerate(by_standard[s["code"]], 1):
            vals.append(f"    ({lit(r['id'])}, {lit(r['standard_code'])}, {lit(r['number'])}, {lit(r['parent_id'])}, "
                        f"{lit(r['kind'])}, {lit(r['title'])}, {lit(r['theme'])}, {position})")
        w(",\n".join(vals) + ";")
    return "\n".join(out) + "\n"


def main(argv):
    if len(argv) > 1 or (argv and argv[0] != "--check"):
        print("usage: generate.py [--check]", file=sys.stderr)
        return 2
    try:
        standards = load_standards()
        sql = render(standards, load_requirements(standards))
    except (DataError, OSError, UnicodeDecodeError, csv.Error) as e:
        print(f"generate.py: invalid catalogue: {e}", file=sys.stderr)
        return 2
    rel = os.path.relpath(OUTPUT, REPO)
    if argv:
        try:
            with open(OUTPUT, encoding="utf-8", newline="") as f:
                current = f.read()
        except FileNotFoundError:
            print(f"generate.py: {rel} is missing; run python3 db/catalogue/generate.py", file=sys.stderr)
            return 1
        if current != sql:
            diff = difflib.unified_diff(current.splitlines(True), sql.splitlines(True),
                                        f"{rel} (checked in)", f"{rel} (from the CSVs)", n=1)
            sys.stderr.writelines(list(diff)[:60])
            print(f"generate.py: {rel} is out of date; run python3 db/catalogue/generate.py", file=sys.stderr)
            return 1
        print(f"{rel} is up to date")
        return 0
    with open(OUTPUT, "w", encoding="utf-8", newline="") as f:
        f.write(sql)
    print(f"wrote {rel}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
