#!/usr/bin/env python3
"""Checks that every relative link in README.md, CHANGELOG.md and docs/*.md points to a file that
exists and, for a link with #anchor into a markdown file, to a heading that GitHub would give that
anchor. External links (with a scheme) are not fetched.

Usage: .ci/check-doc-links.py [--pending FILE,FILE...]
Files named with --pending may be missing (documents another branch adds); links to them are
listed but do not fail the check. Exit status 1 if any other link is broken.
"""
import os
import re
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
LINK = re.compile(r"!?\[(?:[^\]\[]|\[[^\]]*\])*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


def markdown_files():
    files = [os.path.join(ROOT, name) for name in ("README.md", "CHANGELOG.md")]
    docs = os.path.join(ROOT, "docs")
    if os.path.isdir(docs):
        files += sorted(os.path.join(docs, f) for f in os.listdir(docs) if f.endswith(".md"))
    return [f for f in files if os.path.exists(f)]


def without_code(text):
    """The text with fenced blocks and inline code blanked, so links inside them are ignored."""
    text = re.sub(r"(?ms)^```.*?^```", lambda m: "\n" * m.group(0).count("\n"), text)
    return re.sub(r"`[^`\n]*`", "``", text)


def anchors(path):
    """GitHub's heading anchors of a markdown file."""
    seen = {}
    result = set()
    with open(path, encoding="utf-8") as f:
        text = re.sub(r"(?ms)^```.*?^```", "", f.read())
    for line in text.splitlines():
        heading = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if not heading:
            continue
        slug = heading.group(1).strip().lower()
        slug = re.sub(r"[^\w\- ]", "", slug)
        slug = slug.replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        result.add(slug if count == 0 else f"{slug}-{count}")
    return result


def main(argv):
    pending = set()
    if len(argv) > 2 and argv[1] == "--pending":
        pending = {os.path.normpath(os.path.join(ROOT, p)) for p in argv[2].split(",") if p}
    broken, waiting, checked = [], [], 0
    for source in markdown_files():
        with open(source, encoding="utf-8") as f:
            text = without_code(f.read())
        for number, line in enumerate(text.splitlines(), start=1):
            for target in LINK.findall(line):
                if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target):
                    continue
                checked += 1
                where = f"{os.path.relpath(source, ROOT)}:{number}: {target}"
                path, _, anchor = target.partition("#")
                resolved = os.path.normpath(os.path.join(os.path.dirname(source), path)) if path else source
                if not os.path.exists(resolved):
                    (waiting if resolved in pending else broken).append(where + " (no such file)")
                    continue
                if anchor and resolved.endswith(".md") and anchor not in anchors(resolved):
                    broken.append(where + " (no such heading)")
    for entry in waiting:
        print("pending:", entry)
    for entry in broken:
        print("BROKEN: ", entry)
    print(f"{checked} relative links checked, {len(broken)} broken, {len(waiting)} to documents still to come")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
