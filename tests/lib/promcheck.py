#!/usr/bin/env python3
"""promcheck.py FILE: a strict check of the Prometheus text exposition
format (version 0.0.4), as the node_exporter textfile collector reads it.

Prints one line per problem and exits 1 if there is any.  Stricter than
Prometheus itself where that costs nothing: no blank lines, HELP and TYPE
once per family and before its samples, a family's samples together, no
series twice, the file ends with a line feed.
"""
import re
import sys

NAME = r'[a-zA-Z_:][a-zA-Z0-9_:]*'
LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*'
VALUE = r'(?:[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|NaN|[+-]Inf)'
TYPES = {'counter', 'gauge', 'histogram', 'summary', 'untyped'}
SUFFIXES = ('_bucket', '_sum', '_count')


def parse_labels(text, where, problems):
    """Labels of '{a="x",b="y"}' (the braces stripped) as a sorted tuple."""
    labels, pos = [], 0
    while pos < len(text):
        m = re.match(r'(%s)="((?:[^"\\\n]|\\[\\"n])*)"' % LABEL, text[pos:])
        if not m:
            problems.append('%s: bad label at "%s"' % (where, text[pos:]))
            return None
        labels.append((m.group(1), m.group(2)))
        pos += m.end()
        if pos < len(text):
            if text[pos] != ',':
                problems.append('%s: expected "," in labels' % where)
                return None
            pos += 1
    names = [n for n, _ in labels]
    if len(names) != len(set(names)):
        problems.append('%s: a label name appears twice' % where)
    return tuple(sorted(labels))


def family_of(name, types):
    for suffix in SUFFIXES:
        base = name[:-len(suffix)]
        if name.endswith(suffix) and types.get(base) in ('histogram',
                                                         'summary'):
            return base
    return name


def check(data):
    problems = []
    if not data.endswith('\n'):
        problems.append('the file does not end with a line feed')
    helps, types, closed, series = {}, {}, set(), set()
    current = None
    samples = 0
    for n, line in enumerate(data.split('\n')[:-1], 1):
        where = 'line %d' % n
        if line == '':
            problems.append('%s: blank line' % where)
            continue
        if line.startswith('#'):
            m = re.match(r'# (HELP|TYPE) (%s)(?: (.*))?$' % NAME, line)
            if not m:
                if re.match(r'# (HELP|TYPE)\b', line):
                    problems.append('%s: malformed %s' % (where, line))
                continue
            kind, name, rest = m.group(1), m.group(2), m.group(3) or ''
            table = helps if kind == 'HELP' else types
            if name in table:
                problems.append('%s: second %s for %s' % (where, kind, name))
            if name in closed or (current == name and kind == 'TYPE' and
                                  name in series_names(series)):
                problems.append('%s: %s for %s after its samples' %
                                (where, kind, name))
            if kind == 'TYPE' and rest not in TYPES:
                problems.append('%s: unknown type "%s"' % (where, rest))
            if kind == 'HELP' and re.search(r'\\[^\\n]', rest):
                problems.append('%s: bad escape in HELP' % where)
            table[name] = rest
            if current is not None and current != name:
                closed.add(current)
            current = name
            continue
        m = re.match(r'(%s)(?:\{(.*)\})? (%s)(?: (-?[0-9]+))?$' %
                     (NAME, VALUE), line)
        if not m:
            problems.append('%s: not a sample: %s' % (where, line))
            continue
        name, labels = m.group(1), m.group(2) or ''
        parsed = parse_labels(labels, where, problems)
        family = family_of(name, types)
        if family in closed:
            problems.append('%s: %s is not with the rest of its family' %
                            (where, name))
        if current is not None and current != family:
            closed.add(current)
        current = family
        key = (name, parsed)
        if key in series:
            problems.append('%s: series %s{%s} appears twice' %
                            (where, name, labels))
        series.add(key)
        samples += 1
    if samples == 0:
        problems.append('no samples')
    return problems


def series_names(series):
    return {name for name, _ in series}


def main():
    with open(sys.argv[1], encoding='utf-8') as f:
        data = f.read()
    problems = check(data)
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
