#!/usr/bin/perl
# tests/html-check.pl PAGE.html RUN.json RUN.dmesg NAME: the structural checks of one HTML report (tests/html-tests.sh),
# golden-free: what the page must say is read from the same run's JSON report. Prints "ok - ..." or
# "not ok - ..." lines.
use strict;
use warnings;
use JSON::PP;

my ($page_file, $json_file, $dmesg_file, $name) = @ARGV;
local $/;
open my $ph, '<:raw', $page_file or die "$page_file: $!";
my $page = <$ph>;
open my $jh, '<:raw', $json_file or die "$json_file: $!";
my $run = JSON::PP->new->decode(<$jh>);
my $kills = $run->{outcome}{kills};

sub check {
  my ($ok, $what, $why) = @_;
  print $ok ? "ok - $name: $what\n" : "not ok - $name: $what" . (defined $why ? " ($why)" : "") . "\n";
}

# every in-page link has its target; every glossary link goes to a glossary entry
my %ids = map { $_ => 1 } ($page =~ /\bid="([^"]+)"/g);
my @targets = ($page =~ /href="#([^"]*)"/g);
my @missing = grep { !$ids{$_} } @targets;
check(!@missing && @targets > 0, "every in-page link has its target", "missing: @missing");
my @terms = ($page =~ /class="term" href="#([^"]*)"/g);
my @not_glossary = grep { !/^g-/ } @terms;
check(!@not_glossary, "every term link goes to the glossary", "@not_glossary");

# nothing leaves the file: no src/link/script references, no URL but the SVG and XHTML namespaces
(my $stripped = $page) =~ s{xmlns="http://www\.w3\.org/(?:2000/svg|1999/xhtml)"}{}g;
check($stripped !~ m{(?:https?:|ftp:|//[a-z])}i && $page !~ /\b(?:src|srcset)=|<link\b|<script\b|<iframe\b|url\(/i,
      "self-contained (no URL, no external resource)");

# one kill marker per OOM kill of the outcome
my $markers = () = $page =~ /<g class="mk mk-kill">/g;
check($markers == scalar @$kills, "one kill marker per OOM kill", "$markers markers, " . scalar(@$kills) . " kills");

# the victim's bar is highlighted: in order, the victim bars are the killed pids (a decision whose victim was
# picked without a score, oom_kill_allocating_task or oom_task_origin, has no bar of its own)
my @victim_bars = ($page =~ /<g class="bar victim[^"]*" data-pid="(\d+)">/g);
my @victim_rows = ($page =~ /<tr class="victim" data-pid="(\d+)">/g);
my @scored = map { $_->{pid} } grep { !$_->{allocating_task} } @$kills;
check("@victim_bars" eq "@victim_rows", "each highlighted bar has its highlighted table row",
      "bars @victim_bars, rows @victim_rows");
my %killed = map { $_->{pid} => 1 } @$kills;
my @wrong = grep { !$killed{$_} } @victim_bars;
check(!@wrong && @victim_bars >= (@scored ? 1 : 0) && @victim_bars <= @$kills, "the highlighted bars are the victims'",
      "bars @victim_bars, kills @{[map { $_->{pid} } @$kills]}");

# the terms of every candidate add up to the points shown
my $bad = 0;
my $rows = 0;
while ($page =~ m{<tr(?: class="victim")? data-pid="\d+"><td>\d+</td><td>[^<]*</td>((?:<td class="n">-?\d+</td>){6})<td class="n pts">(-?\d+)</td>}g) {
  my ($cells, $points) = ($1, $2);
  my $sum = 0;
  $sum += $_ for ($cells =~ /(-?\d+)/g);
  $rows++;
  $bad++ if $sum != $points;
}
check($bad == 0, "the badness terms add up to the points ($rows rows)", "$bad rows do not");

# the narrative names each victim
my @unnamed = grep { my $k = $_; $page !~ /It killed pid $k->{pid} \(\Q$k->{comm}\E\)/ } @$kills;
check(!@unnamed, "the narrative names every victim", "@{[map { $_->{pid} } @unnamed]}");

# the kernel log is the dmesg writer's output, to the byte
open my $dh, '<:raw', $dmesg_file or die "$dmesg_file: $!";
my $dmesg = <$dh>;
# (one <details> per line: the line is its summary, byte for byte, and every line has an explanation)
my ($klog) = $page =~ m{<section id="dmesg">.*?<div class="klog">\n(.*?)</div>}s;
$klog = '' unless defined $klog;
my @lines = $klog =~ m{<details><summary><code>(.*?)</code></summary><p>[^<]+</p></details>\n}g;
my $pre = join '', map { "$_\n" } @lines;
$pre =~ s/&lt;/</g; $pre =~ s/&gt;/>/g; $pre =~ s/&quot;/"/g; $pre =~ s/&#39;/'/g; $pre =~ s/&amp;/&/g;
check($pre eq $dmesg, "the kernel log is --format dmesg's output", length($pre) . " vs " . length($dmesg) . " bytes");

# the processes' chart has a band for every victim that held memory when it was killed (when at most 8 processes
# are charted, the page says so otherwise)
if ($page !~ /Only the first 8 processes to hold memory are drawn/) {
  my @no_band = grep { my $k = $_; $k->{anon_rss_kb} + $k->{file_rss_kb} + $k->{shmem_rss_kb} > 0 &&
                       $page !~ m{<polygon class="area c\d"[^>]*><title>\Q$k->{pid} $k->{comm}\E rss</title>} } @$kills;
  check(!@no_band, "the processes' chart has a band for every victim", "no band for @{[map { $_->{pid} } @no_band]}");
}
