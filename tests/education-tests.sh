#!/usr/bin/env bash
# tests/education-tests.sh: docs/education.md against the tree (issue 12): 5 to 8 lessons, each naming at least
# one scenario and its gallery page; every scenario named exists, has an <expect> block and holds it (`oomsim
# check`); every gallery page named is one gallery/gallery.sh renders by default (scenarios/library or
# scenarios/versions) and matches a scenario the lesson names; every `build/oomsim ...` command of the page runs
# with exit status 0. Prints "ok - ..." / "not ok - ..." lines (counted by tests/run-tests.sh).
set -u
: "${OOMSIM:=build/oomsim}"
doc=docs/education.md
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok() { echo "ok - $*"; }
nok() { echo "not ok - $*"; }

lessons=$(grep -c '^## Lesson [0-9]' "$doc")
[ "$lessons" -ge 5 ] && [ "$lessons" -le 8 ] && ok "education: $lessons lessons" || nok "education: $lessons lessons (5 to 8)"

# one line per lesson: "TITLE<TAB>scenario paths<TAB>gallery pages"
perl -0777 -ne '
  for my $l (split /^(?=## )/m) {
    next unless $l =~ /^## (Lesson \d+)/;
    my $t = $1;
    my %s = map { $_ => 1 } $l =~ m{`(scenarios/(?:library|versions)/[\w.-]+\.xml)`}g;
    my %g = map { $_ => 1 } $l =~ m{`((?:library|versions)/[\w.-]+)`}g;
    print join("\t", $t, join(" ", sort keys %s), join(" ", sort keys %g)), "\n";
  }' "$doc" >"$tmp/lessons"
while IFS=$'\t' read -r title scenarios pages; do
  [ -n "$scenarios" ] && ok "$title names its scenarios" || nok "$title names no scenario"
  [ -n "$pages" ] && ok "$title names its gallery pages" || nok "$title names no gallery page"
  for f in $scenarios; do
    if [ ! -f "$f" ]; then nok "$title: $f does not exist"; continue; fi
    grep -q '<expect' "$f" && ok "$title: $f has <expect>" || nok "$title: $f has no <expect>"
    "$OOMSIM" check "$f" >"$tmp/check" 2>&1 && ok "$title: oomsim check $f" || nok "$title: oomsim check $f: $(head -3 "$tmp/check")"
    page=${f#scenarios/}
    [[ " $pages " == *" ${page%.xml} "* ]] && ok "$title: $f has its gallery page" || nok "$title: no gallery page named for $f"
  done
  for p in $pages; do
    [ -f "scenarios/$p.xml" ] && [[ " $scenarios " == *" scenarios/$p.xml "* ]] && ok "$title: gallery page $p is a scenario of the lesson" ||
      nok "$title: gallery page $p is not a scenario the lesson names"
  done
done <"$tmp/lessons"

# every command the page shows runs (the output files go to a temporary directory)
perl -0777 -ne 'while (/`(build\/oomsim [^`]+)`/g) { (my $c = $1) =~ s/\s+/ /g; print "$c\n" }' "$doc" >"$tmp/commands"
n=0
while read -r cmd; do
  n=$((n + 1))
  eval "set -- ${cmd#build/oomsim }"
  args=()
  for a in "$@"; do [ "$a" = r.html ] && a=$tmp/r.html; args+=("$a"); done
  "$OOMSIM" "${args[@]}" >/dev/null 2>"$tmp/err" && ok "education: \`$cmd\` runs" || nok "education: \`$cmd\`: $(head -3 "$tmp/err")"
done <"$tmp/commands"
[ $n -ge 8 ] && ok "education: $n commands shown" || nok "education: only $n commands"
