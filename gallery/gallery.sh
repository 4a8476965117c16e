#!/usr/bin/env bash
# gallery/gallery.sh: `make gallery` (docs/education.md, "The gallery"). Writes the HTML report of every scenario
# of scenarios/library and scenarios/versions to OUT/FOLDER/NAME.html, checks each page in headless chromium
# (gallery/verdict.js reads the rendered DOM of every page in a 1280x800 and a 390x844 frame: the sections, the
# chart, one kill marker per kill, a visible bar per candidate of every OOM decision with the victim's
# highlighted, a narrative naming every victim, no sideways scrolling, no resource loaded; what each page must
# have comes from the same run's JSON report), takes a screenshot of each at 1280 px from the top to the end of
# the narrative (OUT/FOLDER/NAME.png, gallery/shoot.pl) and writes OUT/index.html linking pages, screenshots and
# verdicts. Prints "ok - ..." / "not ok - ..." lines and
# "gallery: N pages, N passed, N failed"; exits 1 when a page fails or chromium is missing.
#
# usage: gallery/gallery.sh [-o OUT] [--no-screenshots] [SCENARIO.xml...]   (OUT: build/gallery)
# tests/html-tests.sh runs it on a few pages in `make check`; the whole gallery takes minutes (docs/education.md).
set -u
: "${OOMSIM:=build/oomsim}"
out=build/gallery
shots=1
while [ $# -gt 0 ]; do
  case $1 in
    -o) out=$2; shift 2 ;;
    --no-screenshots) shots=0; shift ;;
    --) shift; break ;;
    -*) echo "gallery.sh: unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
# besides the scenarios: explain's page of real kernel reports of several eras (6.1 memcg with an oom_score_adj term,
# RHEL 7.9's 3% root bonus, 3.10 with a sacrificed child, RHEL 6's 0..1000 scale, a 6.1 panic, a 4.x table of
# oom_score_adj 1000 rows), and `run --kernel all` side by side (kernel-all:SCENARIO)
explain_logs="tests/corpus/vm6.1-memcg-kmsg.log tests/corpus/ltp-1080-rhel7.9-memcg-score-110000.log
  tests/corpus/k8s-56891-3.10-memcg-sacrifice-child.log tests/corpus/emqx-356-rhel6-2.6.32-sacrifice-child.log
  tests/corpus/vm6.1-panic1_global-console.log tests/corpus/stress-ng-177-adj-1000-rows.log"
[ $# -gt 0 ] || set -- scenarios/library/*.xml scenarios/versions/*.xml $explain_logs kernel-all:scenarios/versions/root-bonus-3.10.xml
browser=$(command -v chromium || true)
if [ -z "$browser" ]; then
  echo "not ok - gallery: chromium is not installed (make deps-browser installs it)"
  exit 1
fi
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
passed=0
ok() { echo "ok - $*"; }
nok() { echo "not ok - $*"; }

chrome() { # chrome ARGS...: headless, a throw-away profile, nothing from the network
  timeout 300 "$browser" --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir="$tmp/profile" \
    --disable-background-networking --disable-component-update --disable-sync --hide-scrollbars \
    --host-resolver-rules='MAP * ~NOTFOUND' "$@" 2>>"$tmp/chrome.log"
}

# 1. the pages, and what each must show, from the same run's JSON report
names=()
declare -A src
echo 'var EXPECTED = {' >"$tmp/expected.js"
for f in "$@"; do
  case $f in
    kernel-all:*) f=${f#kernel-all:}; folder=kernel-all; name="$folder/$(basename "$f" .xml)"
      cmd=(run --kernel all); kind=kernels ;;
    *.log) folder=explain; name="$folder/$(basename "$f" .log)"; cmd=(explain); kind=explain ;;
    *) folder=$(basename "$(dirname "$f")"); name="$folder/$(basename "$f" .xml)"; cmd=(run); kind=run ;;
  esac
  mkdir -p "$out/$folder"
  rm -f "$out/$name.html" "$out/$name.png"
  if ! "$OOMSIM" "${cmd[@]}" --format html -o "$out/$name.html" "$f" 2>"$tmp/err" ||
     ! "$OOMSIM" "${cmd[@]}" --format json -o "$tmp/run.json" "$f" 2>>"$tmp/err"; then
    nok "$name: does not run: $(head -c 300 "$tmp/err")"
    failed=$((failed + 1))
    continue
  fi
  names+=("$name")
  src[$name]=$f
  cp "$tmp/run.json" "$tmp/${name//\//__}.json"
  if [ $kind != run ]; then
    # explain: per report, the bars the page draws (every row up to 60) and the bar that must be highlighted: the
    # kernel's victim when it has a row, else the Killed line's process (docs/explain.md); kernels: a row per
    # profile of `oomsim kernels`, and each profile's report (those that ran) with its chart and its kills
    perl -MJSON::PP -0777 -e '
      my ($kind, $file, $nk) = @ARGV;
      open my $fh, "<", $file or die; local $/; my $j = decode_json(<$fh>);
      my %w = (type => $kind);
      if ($kind eq "explain") {
        for my $r (@{$j->{reports}}) {
          my %row = map { $_->{pid} => 1 } @{$r->{tasks}};
          my $v = $r->{outcome} =~ /^killed/ ? ($r->{chosen_pid} || ($r->{killed}[0] // {})->{pid} || 0) : 0;
          $v = ($r->{killed}[0] // {})->{pid} // 0 if $v && !$row{$v};
          my $n = @{$r->{tasks}};
          push @{$w{reports}}, { bars => $n > 60 ? 60 : $n, victim => $v && $row{$v} ? $v + 0 : undef };
        }
      } else {
        $w{rows} = $nk + 0;
        $w{reports} = [ map { { kernel => $_->{kernel}, kills => scalar @{$_->{victims} // []} } }
                        grep { !exists $_->{error} } @{$j->{rows}} ];
      }
      print JSON::PP->new->canonical->encode(\%w);
    ' "$kind" "$tmp/run.json" "$("$OOMSIM" kernels | wc -l)" >"$tmp/want"
    echo "\"$name\": $(cat "$tmp/want")," >>"$tmp/expected.js"
    continue
  fi
  # the HTML report details at most 50 OOM decisions (docs/report-formats.md)
  perl -MJSON::PP -0777 -ne '
    my $j = decode_json($_);
    my @dec;
    for my $e (grep { $_->{type} eq "oom" } @{$j->{events}}) {
      last if @dec == 50;
      my $killed = $e->{action} =~ /^killed/ && ref $e->{victim};
      push @dec, { candidates => scalar @{$e->{candidates}}, victim => $killed ? $e->{victim}{pid} + 0 : undef };
    }
    my @victims = map { $_->{pid} + 0 } @{$j->{outcome}{kills}};
    print JSON::PP->new->canonical->encode({ kills => scalar @victims, victims => \@victims, decisions => \@dec });
  ' "$tmp/run.json" >"$tmp/want"
  echo "\"$name\": $(cat "$tmp/want")," >>"$tmp/expected.js"
done
echo '};' >>"$tmp/expected.js"

# 2. one browser start checks every page in both frames (a start costs seconds here)
{
  echo '<!DOCTYPE html><html><head><meta charset="utf-8"/><title>oomsim gallery check</title></head><body style="margin:0">'
  for name in "${names[@]}"; do
    for size in 1280x800 390x844; do
      echo "<iframe data-name=\"$name\" data-size=\"$size\" src=\"$name.html\" style=\"border:0;width:${size%x*}px;height:${size#*x}px\"></iframe>"
    done
  done
  echo '<pre id="out">pending</pre><script>'
  cat "$tmp/expected.js" "$here/verdict.js"
  echo '</script></body></html>'
} >"$out/.check.html"
chrome --allow-file-access-from-files --virtual-time-budget=30000 --dump-dom "file://$out/.check.html" >"$tmp/check.dom"
[ -n "${GALLERY_KEEP:-}" ] || rm -f "$out/.check.html"

declare -A verdict
for name in "${names[@]}"; do
  page_ok=1
  for size in 1280x800 390x844; do
    line=$(grep -o "VERDICT $name $size .*" "$tmp/check.dom" | head -1)
    if [ -z "$line" ]; then
      nok "$name $size: the browser did not render it"
      page_ok=0
    elif [[ $line == "VERDICT $name $size ok "* ]]; then
      case $name in
        explain/*) ok "$name $size: every report, its bars with the kernel's victim highlighted, its lines visible" ;;
        kernel-all/*) ok "$name $size: the table with a row per profile, each profile's chart and bars visible" ;;
        *) ok "$name $size: sections, chart, markers, bars and narrative visible" ;;
      esac
    else
      nok "$name $size: ${line#VERDICT $name $size FAIL }"
      page_ok=0
    fi
  done
  if [ $page_ok = 1 ]; then verdict[$name]=passed; passed=$((passed + 1)); else verdict[$name]=failed; failed=$((failed + 1)); fi
done
# the pages have no script: a console message is the browser complaining about a page
if grep -E 'CONSOLE|Uncaught|Not allowed to load|ERR_NAME_NOT_RESOLVED' "$tmp/chrome.log" >"$tmp/console"; then
  nok "gallery: browser console messages: $(head -3 "$tmp/console")"
  failed=$((failed + 1))
fi

# 3. a screenshot of each page at 1280 px, from the top down to the end of its narrative, all from one browser
# (gallery/shoot.pl drives it over the DevTools pipe: a browser start per page would cost minutes)
if [ $shots = 1 ]; then
  perl "$here/shoot.pl" "$browser" "$tmp/shoot-profile" 1280 "$out" "${names[@]}" 2>>"$tmp/chrome.log" >"$tmp/shots"
  for name in "${names[@]}"; do
    line=$(grep -E "^$name (FAILED|[0-9]+x[0-9]+$)" "$tmp/shots" | head -1)
    if [[ $line =~ ^$name\ ([0-9]+x[0-9]+)$ ]] && [ -s "$out/$name.png" ]; then
      ok "$name: screenshot $out/$name.png (${BASH_REMATCH[1]})"
    else
      nok "$name: no screenshot: ${line:-$(grep FAILED "$tmp/shots" | head -1)}"
      failed=$((failed + 1))
    fi
  done
fi

# 4. the index: one row per page, grouped by folder, with its description, outcome, verdict and screenshot
for name in "${names[@]}"; do printf "%s\t%s\t%s\n" "$name" "${src[$name]}" "${verdict[$name]}"; done >"$tmp/rows"
perl -MJSON::PP -e '
  my ($tmp, $shots, $rows_file) = @ARGV;
  open my $rh, "<", $rows_file or die "$rows_file: $!"; chomp(my @rows = <$rh>);
  sub esc { my $t = shift // ""; $t =~ s/&/&amp;/g; $t =~ s/</&lt;/g; $t =~ s/>/&gt;/g; $t =~ s/"/&quot;/g; $t }
  print qq{<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8"/>\n<meta name="viewport" content="width=device-width, initial-scale=1"/>\n<title>oomsim gallery</title>\n<style>body{font:16px/1.5 system-ui,sans-serif;max-width:70rem;margin:0 auto;padding:0 1rem 3rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .5rem;vertical-align:top;text-align:left}img{width:160px;height:auto;border:1px solid #ccc}.failed{color:#b00;font-weight:bold}</style>\n</head>\n<body>\n<h1>oomsim gallery</h1>\n<p>The HTML report (<code>oomsim run --format html</code>) of every scenario of scenarios/library and scenarios/versions, each checked in headless chromium (the chart, a bar per candidate of every OOM decision, the narrative); <code>oomsim explain --format html</code> of real kernel reports of several eras (the bars of every report, the kernel&#39;s victim highlighted); and <code>oomsim run --kernel all --format html</code> (a row per profile, each profile&#39;s report). The lessons that use these pages are in docs/education.md.</p>\n};
  my $folder = "";
  for my $row (@rows) {
    my ($name, $file, $verdict) = split /\t/, $row;
    my ($f) = $name =~ m{^([^/]+)/};
    if ($f ne $folder) {
      print "</tbody></table>\n" if $folder;
      $folder = $f;
      my $title = $f eq "explain" ? "oomsim explain: real kernel reports (tests/corpus)" : $f eq "kernel-all" ? "run --kernel all" : "scenarios/$f";
      print qq{<h2 id="$f">$title</h2>\n<table><thead><tr><th>scenario</th><th>kernel</th><th>what happens</th><th>outcome</th><th>check</th><th>screenshot</th></tr></thead><tbody>\n};
    }
    (my $key = $name) =~ s{/}{__}g;
    open my $fh, "<", "$tmp/$key.json" or die "$key: $!";
    local $/; my $j = decode_json(<$fh>);
    my $what;
    if ($f eq "explain") { # explain of a real report: the verdicts
      $j->{scenario} = $j->{source};
      $j->{kernel_profile} = join(", ", map { $_->{era} // "?" } @{$j->{reports}});
      $j->{description} = "oomsim explain of a real kernel log: " . scalar(@{$j->{reports}}) . " report(s)";
      $what = join(", ", map { "$_->{outcome}: $_->{verdict}" } @{$j->{reports}});
    } elsif ($f eq "kernel-all") { # run --kernel all: the victims per profile
      $j->{kernel_profile} = "all";
      $j->{description} = "oomsim run --kernel all: the scenario on every profile, side by side";
      $what = join(", ", map { "$_->{kernel}: " . ($_->{error} ? "unsupported" : join(" ", map { "$_->{pid} ($_->{comm})" } @{$_->{victims} // []}) || "none") } @{$j->{rows}});
    } else {
      my $o = $j->{outcome};
      my @k = map { "pid $_->{pid} ($_->{comm}) killed" } @{$o->{kills}};
      push @k, "panic" if $o->{panic};
      push @k, scalar(@{$o->{enomem_steps}}) . " ENOMEM" if @{$o->{enomem_steps}};
      $what = @k ? join(", ", @k) : "no OOM kill";
    }
    my $img = $shots ? qq{<a href="$name.png"><img src="$name.png" alt="screenshot of the $name page" loading="lazy"/></a>} : "-";
    my $cls = $verdict eq "passed" ? "" : " class=\"failed\"";
    printf qq{<tr id="%s"><td><a href="%s.html">%s</a></td><td>%s</td><td>%s</td><td>%s</td><td%s>%s</td><td>%s</td></tr>\n},
      esc($name), esc($name), esc($j->{scenario}), esc($j->{kernel_profile}), esc($j->{description}), esc($what), $cls,
      $verdict, $img;
  }
  print "</tbody></table>\n" if $folder;
  print "</body>\n</html>\n";
' "$tmp" "$shots" "$tmp/rows" >"$out/index.html.tmp" 2>"$tmp/err" &&
  mv "$out/index.html.tmp" "$out/index.html" && ok "gallery: index $out/index.html" ||
  { nok "gallery: no index: $(head -c 300 "$tmp/err")"; failed=$((failed + 1)); }

echo "gallery: ${#names[@]} pages, $passed passed, $failed failed"
[ $failed = 0 ]
