#!/usr/bin/env bash
# tests/check-report-tests.sh: `oomsim check --format tap|junit` (issue 15). The JUnit output is validated against
# windyroad's JUnit.xsd (tests/junit/, the strictest schema CI reporters are written against) with xmllint; the TAP
# output is read by Perl's TAP::Parser (what `prove` uses). Counts are worked out from the inputs: the library's
# scenarios all pass, tests/cli/wrong-victim.xml and all-wrong.xml fail, a truncated file is invalid.
. "$(dirname "$0")/tap.sh"
xsd=tests/junit/JUnit.xsd
lib=scenarios/library
n_lib=$(find $lib -name '*.xml' | wc -l)
printf '<scenario name="cut">\n  <machine' >"$tmp/cut.xml"
inputs=("$lib" tests/cli/wrong-victim.xml tests/cli/all-wrong.xml "$tmp/cut.xml")
n_all=$((n_lib + 3))

valid() { # valid FILE: xmllint --schema JUnit.xsd, its complaints shown only on failure
  xmllint --noout --schema $xsd "$1" 2>"$tmp/xmllint" || { cat "$tmp/xmllint"; false; }
}
status_is() { # status_is WANT OUT COMMAND...: the command's stdout in OUT
  local want=$1 out=$2; shift 2
  "$@" >"$out" 2>"$tmp/err"
  [ $? -eq "$want" ]
}

# ---- JUnit
check "junit: exit 2 with an invalid scenario among them" status_is 2 "$tmp/all.xml" "$OOMSIM" check --format junit "${inputs[@]}"
check "junit: validates against JUnit.xsd" valid "$tmp/all.xml"
check "junit: tests=$n_all failures=2 errors=1 skipped=0" \
  grep -qF "tests=\"$n_all\" failures=\"2\" errors=\"1\" skipped=\"0\"" "$tmp/all.xml"
check "junit: one <testcase> per scenario" [ "$(grep -c '<testcase ' "$tmp/all.xml")" -eq $n_all ]
check "junit: nothing on standard error (the error is in the report)" [ ! -s "$tmp/err" ]
check "junit: a passing case names the file, the directory as classname, and the kernel" \
  grep -qF '<testcase name="k8s-pod-50mi-oomkilled.xml [kernel 6.1]" classname="scenarios.library" time="0"/>' "$tmp/all.xml"
check "junit: a failure gives expected beside actual" \
  grep -qF '<failure message="tests/cli/wrong-victim.xml:18:1: expected OOM kill #1 to be pid 4201, got pid 4200 (big)" type="expectation">' "$tmp/all.xml"
check "junit: every failed expectation is in the failure's text" \
  grep -qxF 'tests/cli/all-wrong.xml:29:1: expected the kernel log to contain &quot;this line is not in the log&quot;, but it does not' "$tmp/all.xml"
check "junit: an invalid scenario is an <error> with its FILE:LINE:COL message" \
  grep -qF "<error message=\"$tmp/cut.xml:2:11: Couldn't find end of Start Tag machine\" type=\"invalid\">" \
  <(sed 's/&lt;/</g; s/&gt;/>/g' "$tmp/all.xml")
check "junit: timestamp is the epoch without SOURCE_DATE_EPOCH (no wall clock)" \
  grep -qF 'timestamp="1970-01-01T00:00:00" hostname="localhost"' "$tmp/all.xml"
check "junit: the same bytes twice" bash -c "\"$OOMSIM\" check --format junit ${inputs[*]} 2>&1 | cmp -s - \"$tmp/all.xml\""
check "junit: exit 0 when all pass" status_is 0 "$tmp/pass.xml" "$OOMSIM" check --format junit $lib
check "... tests=$n_lib failures=0 errors=0, valid" bash -c \
  "grep -qF 'tests=\"$n_lib\" failures=\"0\" errors=\"0\"' \"$tmp/pass.xml\" && xmllint --noout --schema $xsd \"$tmp/pass.xml\" 2>/dev/null"
check "junit: exit 1 when one fails" status_is 1 "$tmp/one.xml" "$OOMSIM" check --format junit tests/cli/wrong-victim.xml
check "junit: SOURCE_DATE_EPOCH=86461 gives 1970-01-02T00:01:01" \
  bash -c "SOURCE_DATE_EPOCH=86461 \"$OOMSIM\" check --format junit tests/cli/wrong-victim.xml | grep -qF 'timestamp=\"1970-01-02T00:01:01\"'"
check "junit: --kernel is a property" bash -c \
  "\"$OOMSIM\" check --format junit --kernel 4.19 $lib/k8s-pod-50mi-oomkilled.xml | grep -qF '<property name=\"kernel\" value=\"4.19\"/>'"
check "junit: SOURCE_DATE_EPOCH that is not a number exits 2" \
  bash -c "SOURCE_DATE_EPOCH=yesterday \"$OOMSIM\" check --format junit $lib >/dev/null 2>&1; [ \$? -eq 2 ]"
check "junit: no testcase is written for a bad SOURCE_DATE_EPOCH" \
  bash -c "[ -z \"\$(SOURCE_DATE_EPOCH=-1 \"$OOMSIM\" check --format junit $lib 2>/dev/null)\" ]"
# a file name is only bytes: control characters and invalid UTF-8 must not make the document unreadable
odd="$tmp/odd#dir"
mkdir -p "$odd"
cp tests/cli/wrong-victim.xml "$odd/$(printf 'a\001b\377&<">')x.xml"
"$OOMSIM" check --format junit "$odd" >"$tmp/odd.xml" 2>/dev/null
check "junit: a file name with control characters, invalid UTF-8 and markup still validates" \
  valid "$tmp/odd.xml"
check "... and says failures=1" grep -qF 'failures="1"' "$tmp/odd.xml"

# ---- TAP
tap_counts() { # tap_counts FILE: "planned run passed failed good_plan"
  perl -MTAP::Parser -e '
    my $p = TAP::Parser->new({ source => $ARGV[0] }); while (my $r = $p->next) {}
    printf "%d %d %d %d %d %d\n", $p->tests_planned, $p->tests_run, scalar($p->passed), scalar($p->failed),
      $p->is_good_plan, scalar($p->todo) + scalar($p->skipped);' "$1"
}
check "tap: exit 2 with an invalid scenario among them" status_is 2 "$tmp/all.tap" "$OOMSIM" check --format tap "${inputs[@]}"
check "tap: TAP::Parser reads plan $n_all, $n_all run, $n_lib passed, 3 failed, a good plan" \
  [ "$(tap_counts "$tmp/all.tap")" = "$n_all $n_all $n_lib 3 1 0" ]
check "tap: starts with the version and the plan" [ "$(head -n 2 "$tmp/all.tap" | tr '\n' ' ')" = "TAP version 13 1..$n_all " ]
check "tap: a failure's YAML block lists expected beside actual" \
  grep -qxF "    tests/cli/wrong-victim.xml:18:1: expected OOM kill #1 to be pid 4201, got pid 4200 (big)" "$tmp/all.tap"
check "tap: an invalid scenario says result: invalid and its error" \
  bash -c "grep -qxF '  result: invalid' \"$tmp/all.tap\" && grep -qxF \"    $tmp/cut.xml:2:11: Couldn't find end of Start Tag machine\" \"$tmp/all.tap\""
check "tap: ends with a comment counting passed and failed" [ "$(tail -n 1 "$tmp/all.tap")" = "# $n_lib passed, 3 failed" ]
"$OOMSIM" check --format tap "$odd" >"$tmp/odd.tap" 2>/dev/null
check "tap: a '#' in a file name is escaped, not read as a directive" \
  bash -c "grep -q '^not ok 1 - .*odd\\\\#dir/' \"$tmp/odd.tap\" && [ \"\$(perl -MTAP::Parser -e '\$p = TAP::Parser->new({ source => \$ARGV[0] }); while (\$r = \$p->next) { print \$r->directive if \$r->is_test }' \"$tmp/odd.tap\")\" = '' ]"
check "tap: TAP::Parser reads the YAML block of every failure" \
  bash -c "perl -MTAP::Parser -e '\$p = TAP::Parser->new({ source => \$ARGV[0] }); while (\$r = \$p->next) { \$n++ if \$r->is_yaml } exit(\$n == 3 ? 0 : 1)' \"$tmp/all.tap\""
check "tap: exit 0 and all ok when all pass" status_is 0 "$tmp/pass.tap" "$OOMSIM" check --format tap $lib
check "... no 'not ok'" bash -c "! grep -q '^not ok' \"$tmp/pass.tap\""

# ---- the option
check "check --format xml exits 2" status_is 2 "$tmp/out" "$OOMSIM" check --format xml $lib
check "... saying what the formats are" grep -qF -- "--format must be text, tap or junit" "$tmp/err"
check "check --format text is the default" \
  bash -c "cmp -s <(\"$OOMSIM\" check --format text $lib) <(\"$OOMSIM\" check $lib)"
