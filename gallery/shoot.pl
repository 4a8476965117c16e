#!/usr/bin/perl
# gallery/shoot.pl BROWSER PROFILE-DIR WIDTH DIR NAME...: full-page screenshots of DIR/NAME.html to DIR/NAME.png, all
# from one headless chromium driven over the DevTools protocol on a pipe (--remote-debugging-pipe: JSON messages
# ended by a NUL byte on file descriptors 3 and 4), because a browser start costs seconds on a loaded machine
# and `chromium --screenshot` takes one page per start. For each page: a viewport WIDTH x 800, load the file, read
# the height of the page down to the end of its narrative section (explain's page: the element marked
# data-shot-end; otherwise the whole page) and capture that (Page.captureScreenshot with
# captureBeyondViewport), at most 16000 px high. Prints "NAME WIDTHxHEIGHT" per page written, or
# "NAME FAILED: why"; exits 1 if any failed. Perl core modules only (JSON::PP, MIME::Base64, POSIX).
use strict;
use warnings;
use JSON::PP;
use MIME::Base64 qw(decode_base64);
use POSIX ();

my ($browser, $profile, $width, $dir, @names) = @ARGV;
die "usage: shoot.pl BROWSER PROFILE-DIR WIDTH DIR NAME...\n" unless @names;
my $json = JSON::PP->new->canonical;

# the pipes must survive exec: descriptors above $^F are close-on-exec
$^F = 255;
pipe(my $cmd_r, my $cmd_w) or die "pipe: $!";
pipe(my $ev_r, my $ev_w) or die "pipe: $!";
my $pid = fork // die "fork: $!";
if (!$pid) {
  POSIX::dup2(fileno($cmd_r), 3) // die;
  POSIX::dup2(fileno($ev_w), 4) // die;
  open STDOUT, '>', '/dev/null';
  exec $browser, '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--hide-scrollbars',
    "--user-data-dir=$profile", '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--host-resolver-rules=MAP * ~NOTFOUND', '--remote-debugging-pipe', 'about:blank';
  die "exec $browser: $!";
}
close $cmd_r;
close $ev_w;
select((select($cmd_w), $| = 1)[0]);

my $next_id = 0;
my $buf = '';
my @events;

sub read_message {
  while (1) {
    my $nul = index($buf, "\0");
    if ($nul >= 0) {
      my $msg = substr($buf, 0, $nul);
      $buf = substr($buf, $nul + 1);
      return $json->decode($msg);
    }
    my $n = sysread($ev_r, $buf, 1 << 20, length $buf);
    die "the browser closed the pipe\n" unless $n;
  }
}

# send a command (on a page's session when given) and wait for its answer, keeping the events that come first
sub call {
  my ($session, $method, $params) = @_;
  my $id = ++$next_id;
  my %msg = (id => $id, method => $method, params => $params // {});
  $msg{sessionId} = $session if $session;
  print $cmd_w $json->encode(\%msg), "\0";
  while (1) {
    my $m = read_message();
    if (defined $m->{id} && $m->{id} == $id) {
      die "$method: $m->{error}{message}\n" if $m->{error};
      return $m->{result};
    }
    push @events, $m;
  }
}

sub wait_event {
  my ($session, $method) = @_;
  while (1) {
    for my $i (0 .. $#events) {
      my $e = $events[$i];
      if (($e->{method} // '') eq $method && ($e->{sessionId} // '') eq $session) {
        splice @events, $i, 1;
        return $e;
      }
    }
    push @events, read_message();
  }
}

local $SIG{ALRM} = sub { die "timed out\n" };
my $failed = 0;
my $target = eval {
  alarm 120;
  my $t = call(undef, 'Target.createTarget', { url => 'about:blank' })->{targetId};
  my $s = call(undef, 'Target.attachToTarget', { targetId => $t, flatten => JSON::PP::true })->{sessionId};
  call($s, 'Page.enable');
  alarm 0;
  $s;
};
if (!$target) {
  print "ALL FAILED: the browser did not start: $@";
  kill 'TERM', $pid;
  waitpid $pid, 0;
  exit 1;
}
for my $name (@names) {
  my $ok = eval {
    alarm 120;
    @events = grep { ($_->{method} // '') ne 'Page.loadEventFired' } @events;
    call($target, 'Emulation.setDeviceMetricsOverride',
         { width => $width + 0, height => 800, deviceScaleFactor => 1, mobile => JSON::PP::false });
    call($target, 'Page.navigate', { url => "file://$dir/$name.html" });
    wait_event($target, 'Page.loadEventFired');
    # down to the end of the narrative (the kernel log and the glossary below it are text the page has anyway)
    my $r = call($target, 'Runtime.evaluate', { returnByValue => JSON::PP::true, expression =>
      '(function(){var n=document.getElementById("narrative")||document.querySelector("[data-shot-end]");' .
      'return Math.ceil(n ? n.getBoundingClientRect().bottom + window.scrollY + 16 : document.documentElement.scrollHeight);})()' });
    my $h = int($r->{result}{value} // 800);
    $h = 800 if $h < 800;
    $h = 16000 if $h > 16000;
    my $shot = call($target, 'Page.captureScreenshot',
                    { format => 'png', captureBeyondViewport => JSON::PP::true,
                      clip => { x => 0, y => 0, width => $width + 0, height => $h, scale => 1 } });
    open my $fh, '>:raw', "$dir/$name.png" or die "$dir/$name.png: $!\n";
    print $fh decode_base64($shot->{data});
    close $fh or die "$dir/$name.png: $!\n";
    alarm 0;
    print "$name ${width}x$h\n";
    1;
  };
  if (!$ok) {
    alarm 0;
    chomp(my $why = $@);
    print "$name FAILED: $why\n";
    $failed = 1;
    last if $why =~ /closed the pipe|timed out/;
  }
}
eval { alarm 10; call(undef, 'Browser.close'); alarm 0; };
kill 'TERM', $pid;
waitpid $pid, 0;
exit $failed;
