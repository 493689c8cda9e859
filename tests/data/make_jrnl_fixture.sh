#!/bin/sh
# How tests/data/jrnl-export.json was made: with jrnl itself, in a throwaway venv (never the
# project's), so that the jrnl import is tested on what jrnl really writes. The suite does not
# need jrnl. Run from the repository root: sh tests/data/make_jrnl_fixture.sh
set -eu
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet jrnl
cat > "$work/jrnl.yaml" <<YAML
colors: {body: none, date: none, tags: none, title: none}
default_hour: 9
default_minute: 0
editor: ''
encrypt: false
highlight: false
indent_character: '|'
journals:
  default:
    journal: $work/journal.txt
linewrap: 79
tagsymbols: '#@'
template: false
timeformat: '%Y-%m-%d %H:%M'
version: v4.6
YAML
j() { "$work/venv/bin/jrnl" --config-file "$work/jrnl.yaml" "$@"; }
j "2026-01-05 08:15: Staff meeting. We talked past each other again about the schedule @team @meeting"
j "2026-01-06 17:40 *: Café with Zoë. She said the iceberg helped her see the pattern — naïve of me to think it was one event. @coaching"
j "2026-01-07 21:05: 週末の振り返り. Emoji too 🌱 and a second line
with more text @reflection @team"
j "2026-02-01 07:00 *: Starred without tags. Just a quiet morning."
j "2026-02-14 12:30: Ünïcödé @Tag-With-Caps and #hash-tag too"
j --export json > tests/data/jrnl-export.json
version=$("$work/venv/bin/jrnl" --version)
echo "wrote tests/data/jrnl-export.json with ${version%%
*}"
