#!/usr/bin/env bash
# tests/expect-tests.sh: the expectations CI users need (issue 15), each in both directions: an expectation that
# holds passes (exit 0) and the same expectation made wrong fails (exit 1) with the exact message, expected value
# beside the actual one; malformed ones are invalid (exit 2, FILE:LINE:COL). The outcomes of the base scenarios
# are worked out by hand in their comments (tests/expect/*.xml); each case replaces the base's <expect> block.
. "$(dirname "$0")/tap.sh"

# variant BASE NAME EXPECT-XML: BASE with its <expect>...</expect> replaced by EXPECT-XML, as $tmp/NAME.xml
variant() {
  awk -v x="$3" '/<expect[ >]/ { skip = 1; print x } !skip { print } /<\/expect>/ { skip = 0 }' "$1" >"$tmp/$2.xml"
}
# holds BASE NAME EXPECT-XML [OPTION...]: check exits 0
holds() {
  local base=$1 name=$2 x=$3; shift 3
  variant "$base" "$name" "$x"
  "$OOMSIM" check "$@" "$tmp/$name.xml" >"$tmp/out" 2>&1
  local st=$?
  [ $st -eq 0 ] && ok "holds: $name" || { nok "holds: $name (exit $st)"; cat "$tmp/out"; }
}
# the line of BASE's <expect>: the first line of a variant's expectations
expect_line() { grep -n '<expect[ >]' "$1" | head -n 1 | cut -d: -f1; }
# fails BASE NAME EXPECT-XML N MESSAGE [OPTION...]: check exits 1 and prints "  FILE:LINE:1: MESSAGE", LINE the
# N-th line (from 0) of EXPECT-XML
fails() {
  local base=$1 name=$2 x=$3 line=$(($(expect_line "$1") + $4)) msg=$5; shift 5
  variant "$base" "$name" "$x"
  "$OOMSIM" check "$@" "$tmp/$name.xml" >"$tmp/out" 2>&1
  local st=$?
  if [ $st -eq 1 ] && grep -qxF "  $tmp/$name.xml:$line:1: $msg" "$tmp/out"; then
    ok "fails: $name"
  else
    nok "fails: $name (exit $st, want: $msg)"; cat "$tmp/out"
  fi
}
# invalid BASE NAME EXPECT-XML N MESSAGE-PREFIX: check exits 2 with one line "FILE:LINE:1: MESSAGE-PREFIX..."
invalid() {
  local base=$1 name=$2 x=$3 line=$(($(expect_line "$1") + $4)) msg=$5
  variant "$base" "$name" "$x"
  "$OOMSIM" check "$tmp/$name.xml" >"$tmp/out" 2>"$tmp/err"
  local st=$?
  if [ $st -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -qF "$tmp/$name.xml:$line:1: $msg" "$tmp/err"; then
    ok "invalid: $name"
  else
    nok "invalid: $name (exit $st, want: $msg)"; cat "$tmp/err"
  fi
}

two=tests/expect/two-kills.xml
kills='kills: pid 10 (big) in /pod, pid 11 (small) in /pod'

# ---- ranges and inequalities on counters (the base has 2 kills, /pod oom_kill 2)
for r in '2' '+2' ' 2 ' '&gt;0' '&gt;1' '&gt;=2' '&lt;3' '&lt;=2' '1..3' '2..2' '2..' '0..'; do
  holds $two "oom_kill-$r" "<expect><oom-kills count=\"2\"/><memory-events cgroup=\"/pod\" oom_kill=\"$r\"/></expect>"
  holds $two "oom-kills-$r" "<expect><oom-kills count=\"$r\"/></expect>"
done
for r in '&gt;2:>2' '&gt;=3:>=3' '&lt;2:<2' '&lt;=1:<=1' '3..5:3..5' '0..1:0..1' '3..:3..' '0:0' '1:1'; do
  xml=${r%%:*} text=${r#*:}
  fails $two "oom_kill-$text" "<expect><oom-kills count=\"2\"/><memory-events cgroup=\"/pod\" oom_kill=\"$xml\"/></expect>" 0 \
    "expected /pod oom_kill $text, got 2; $kills"
  fails $two "oom-kills-$text" "<expect><oom-kills count=\"$xml\"/></expect>" 0 \
    "expected OOM kills $text, got 2; $kills"
done

# ---- a counter the kernel does not have is "none", never -1 (oom_group_kill: 5.16)
holds $two "oom_group_kill-none-5.10" '<expect><oom-kills count="2"/><memory-events cgroup="/pod" oom_group_kill="none"/></expect>' --kernel 5.10
fails $two "oom_group_kill-0-5.10" '<expect><oom-kills count="2"/><memory-events cgroup="/pod" oom_group_kill="0"/></expect>' 0 \
  "expected /pod oom_group_kill 0, got none (not available on this kernel/cgroup version); $kills" --kernel 5.10
fails $two "oom_group_kill-range-5.10" '<expect><oom-kills count="2"/><memory-events cgroup="/pod" oom_group_kill="&lt;1"/></expect>' 0 \
  "expected /pod oom_group_kill <1, got none (not available on this kernel/cgroup version); $kills" --kernel 5.10
holds $two "oom_group_kill-0-6.1" '<expect><oom-kills count="2"/><memory-events cgroup="/pod" oom_group_kill="0"/></expect>'
fails $two "oom_group_kill-none-6.1" '<expect><oom-kills count="2"/><memory-events cgroup="/pod" oom_group_kill="none"/></expect>' 0 \
  "expected /pod oom_group_kill none, got 0; $kills"

# ---- "some OOM kill happened", without naming the victim
holds $two "any-two-victims" '<expect><oom-kill/><oom-kill/></expect>'
holds $two "any-victim-in-pod" '<expect><oom-kill oom-memcg="/pod"/><oom-kill constraint="CONSTRAINT_MEMCG"/></expect>'
holds $two "any-victim-then-count" '<expect><oom-kill/><oom-kills count="&gt;=1"/></expect>'
holds $two "named-then-count" '<expect><oom-kill pid="10"/><oom-kills count="1.."/></expect>'
fails $two "any-victim-one-too-few" '<expect><oom-kill/></expect>' 0 \
  "expected 1 OOM kill(s), got 2 (next: pid 11 (small)); $kills"
fails $two "any-victim-one-too-many" '<expect><oom-kill/><oom-kill/><oom-kill/></expect>' 0 \
  "expected OOM kill #3 (of any process), but only 2 OOM kill(s) happened; $kills"
fails $two "any-victim-global" '<expect><oom-kill oom-memcg="/"/><oom-kill/></expect>' 0 \
  "expected OOM kill #1 in memcg /, got /pod"
fails $two "named-then-count-wrong" '<expect><oom-kill pid="11"/><oom-kills count="2"/></expect>' 0 \
  "expected OOM kill #1 to be pid 11, got pid 10 (big)"

# ---- a step that must succeed
holds $two "succeeds-map" '<expect><oom-kills count="2"/><succeeds step="map"/></expect>'
fails $two "succeeds-grow" '<expect><oom-kills count="2"/><succeeds step="grow"/></expect>' 0 \
  'expected step "grow" to succeed, but it did not run to its end (its process died, or is blocked or livelocked)'
ebusy=scenarios/library/v1-lower-limit-ebusy.xml # "trim" succeeds, "lower" fails with EBUSY (its description)
holds $ebusy "succeeds-trim" '<expect><succeeds step="trim"/></expect>'
fails $ebusy "succeeds-lower" '<expect><succeeds step="lower"/></expect>' 0 \
  'expected step "lower" to succeed, it failed with EBUSY'
# ---- a cgroup-set step's result: EBUSY, or any error
holds $ebusy "step-error-lower-ebusy" '<expect><step-error step="lower" errno="EBUSY"/></expect>'
holds $ebusy "step-error-lower-any" '<expect><step-error step="lower"/></expect>'
fails $ebusy "step-error-lower-einval" '<expect><step-error step="lower" errno="EINVAL"/></expect>' 0 \
  'expected step "lower" to fail with EINVAL, it failed with EBUSY'
fails $ebusy "step-error-trim-any" '<expect><step-error step="trim"/></expect>' 0 \
  'expected step "trim" to fail with an error, but it did not fail'
enomem=scenarios/library/address-space-full-enomem.xml # a2 fails with ENOMEM, b3 succeeds (its expectations)
holds $enomem "step-error-enomem" '<expect><step-error step="a2" errno="ENOMEM"/><succeeds step="b3"/></expect>'
fails $enomem "succeeds-a2" '<expect><succeeds step="a2"/></expect>' 0 \
  'expected step "a2" to succeed, it failed with ENOMEM'

# ---- blocked at some time, distinct from blocked at the end
woken=tests/expect/blocked-then-woken.xml
holds $woken "blocked-ever" '<expect><blocked pid="100" when="ever"/></expect>'
fails $woken "blocked-end" '<expect><blocked pid="100"/></expect>' 0 \
  'expected pid 100 to be blocked at the end, but it is not (it was blocked earlier: when="ever")'
fails $woken "blocked-end-explicit" '<expect><blocked pid="100" when="end"/></expect>' 0 \
  'expected pid 100 to be blocked at the end, but it is not (it was blocked earlier: when="ever")'
fails $woken "blocked-ever-never" '<expect><blocked pid="200" when="ever"/></expect>' 0 \
  'expected pid 200 to be blocked at some time, but it never was'
frozen=scenarios/library/v1-oom-kill-disable-blocks.xml # 100 blocks and stays blocked
holds $frozen "blocked-end-and-ever" '<expect><blocked pid="100" when="end"/><blocked pid="100" when="ever"/></expect>'

# ---- per-kernel expectations in one file: the tie rule changed in 5.x (4.19: the earlier task, 100, wins; 5.x and
# later: the later one, 101; docs/kernel-versions.md)
tie=scenarios/versions/tie-equal-scores-6.1.xml
both='<expect><survives pid="102"/></expect>
<expect kernel="4.19"><oom-kill pid="100"/></expect>
<expect kernel="5.10 5.15 6.1 6.6 6.12"><oom-kill pid="101"/></expect>'
swapped='<expect kernel="4.19"><oom-kill pid="101"/></expect>
<expect kernel="5.10 5.15 6.1 6.6 6.12"><oom-kill pid="100"/></expect>'
for k in 4.19 5.10 6.1 6.12; do
  holds $tie "per-kernel-$k" "$both" --kernel $k
done
fails $tie "per-kernel-swapped-4.19" "$swapped" 0 "expected OOM kill #1 to be pid 101, got pid 100 (first)" --kernel 4.19
fails $tie "per-kernel-swapped-6.1" "$swapped" 1 "expected OOM kill #1 to be pid 100, got pid 101 (second)" --kernel 6.1
holds $tie "per-kernel-release-string" '<expect kernel="6.1.0-27-amd64"><oom-kill pid="101"/></expect>' --kernel 6.1
# a kernel no <expect> applies to: the check fails (it would otherwise pass with nothing checked)
fails $tie "per-kernel-none-applies" '<expect kernel="4.19"><oom-kill pid="100"/></expect>' 0 \
  "no <expect> applies to kernel 6.1 (each names other kernels)" --kernel 6.1
# the expectations of the <expect> without kernel= apply everywhere: with no <oom-kill> for 5.4, none is expected
fails $tie "per-kernel-general-only" "$both" 0 \
  "expected 0 OOM kill(s), got 1 (next: pid 101 (second)); kills: pid 101 (second) in /pair" --kernel 5.4
check "the number of expectations counts only those that apply" \
  grep -qF "(kernel 6.1, 2 expectations)" <(variant $tie count "$both"; "$OOMSIM" check "$tmp/count.xml")

# ---- <refused>: a profile that refuses the scenario (SCENARIO_ERROR_UNSUPPORTED) meets it; a run does not
# (frozen is cgroup v1, which 6.12 has not: its <cgroup> is on line 8)
v1msg='kernel 6.12 has no cgroup v1 memory controller (CONFIG_MEMCG_V1 is off by default since 6.11)'
refusal='<expect kernel="6.1"><blocked pid="100"/></expect><expect kernel="6.12"><refused message-contains="no cgroup v1 memory controller"/></expect>'
holds $frozen "refused-6.12" "$refusal" --kernel 6.12
holds $frozen "refused-6.1-runs" "$refusal" --kernel 6.1
check "... both kernels pass, none skipped" \
  bash -c "\"$OOMSIM\" check --kernel 6.1,6.12 \"$tmp/refused-6.12.xml\" | grep -qx '2 passed, 0 failed'"
fails $frozen "refused-but-ran" '<expect><refused/></expect>' 0 \
  "expected the kernel to refuse the scenario, but it ran" --kernel 6.1
fails $frozen "refused-other-message" '<expect><refused message-contains="no such rule"/></expect>' 0 \
  "expected the refusal to contain \"no such rule\", got \"$tmp/refused-other-message.xml:8:1: $v1msg\"" --kernel 6.12
fails $frozen "refused-and-blocked" '<expect><refused/><blocked pid="100"/></expect>' 0 \
  "the kernel refused the scenario, so this <blocked> cannot hold: $tmp/refused-and-blocked.xml:8:1: $v1msg" --kernel 6.12
# without a <refused> that applies, a refusal stays what it was: invalid with one kernel, a SKIP with several
variant $frozen "refused-unexpected" '<expect kernel="6.1"><blocked pid="100"/></expect>'
check "an unexpected refusal is still invalid (exit 2)" \
  bash -c "\"$OOMSIM\" check --kernel 6.12 \"$tmp/refused-unexpected.xml\" >/dev/null 2>&1; [ \$? -eq 2 ]"

# ---- malformed expectations: exit 2, one line FILE:LINE:1:
invalid $two "bad-range-negative" '<expect><oom-kills count="2"/><memory-events cgroup="/pod" oom_kill="-1"/></expect>' 0 \
  '<memory-events> oom_kill="-1" must be a count (0 or more), none, or a range of counts: >N, >=N, <N, <=N, N..M, N..'
invalid $two "bad-range-reversed" '<expect><oom-kills count="2"/><memory-events cgroup="/pod" oom_kill="3..2"/></expect>' 0 \
  '<memory-events> oom_kill="3..2" must be a count'
invalid $two "bad-range-empty" '<expect><oom-kills count="&lt;0"/></expect>' 0 \
  '<oom-kills> count="<0" must be a count (0 or more), or a range of counts'
invalid $two "bad-range-garbage" '<expect><oom-kills count="&gt;x"/></expect>' 0 '<oom-kills> count=">x" must be a count'
invalid $two "bad-range-none" '<expect><oom-kills count="none"/></expect>' 0 '<oom-kills> count="none" must be a count'
invalid $two "oom-kills-no-count" '<expect><oom-kills/></expect>' 0 ''
invalid $two "succeeds-unknown-step" '<expect><succeeds step="nope"/></expect>' 0 \
  '<succeeds> step="nope": no step of the trace has this id'
invalid $two "step-error-unknown-step" '<expect><step-error step="nope"/></expect>' 0 \
  '<step-error> step="nope": no step of the trace has this id'
invalid $two "blocked-when-bad" '<expect><blocked pid="10" when="sometimes"/></expect>' 0 ''
invalid $two "expect-kernel-unknown" '<expect kernel="4.19 7.0"><oom-kills count="2"/></expect>' 0 \
  '<expect> kernel="4.19 7.0": unknown kernel version "7.0": the profiles are'
invalid $two "expect-kernel-empty" '<expect kernel=","><oom-kills count="2"/></expect>' 0 \
  '<expect> kernel="," names no kernel'
invalid $two "expect-then-trace" '<expect><oom-kills count="2"/></expect><trace/>' 0 \
  '<trace> after <expect>: the sections of a scenario go in the order <description>, <machine>, <cgroups>, <processes>, <trace>, <expect>, each at most once, but <expect> may repeat (kernel="...")'
