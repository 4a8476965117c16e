/* gallery/verdict.js: the in-browser checks of the gallery (gallery/gallery.sh, docs/education.md "The gallery").
 * Runs in a harness page whose iframes hold the HTML reports, after every frame has loaded and been laid out, and
 * reads what the browser rendered, not the HTML text: each page must show, visibly (a non-empty box, not
 * display:none, not visibility:hidden, not transparent), its six sections, a memory chart with at least one
 * drawn line, one kill marker per OOM kill, for every OOM decision a bar per candidate of the scan with the
 * victim's bar highlighted, and a narrative that names every victim; it must not scroll sideways and must not
 * have loaded any resource (Performance API: nothing but the page itself). `EXPECTED` (written by gallery.sh
 * from the same run's JSON report, not from the page) says what each page must have. One line per frame goes into
 * <pre id="out">: "VERDICT NAME SIZE ok HEIGHT" or "VERDICT NAME SIZE FAIL HEIGHT: reason; reason". explain's pages and
 * `run --kernel all`'s have checks of their own (oomsimExplainVerdict, oomsimKernelsVerdict), chosen by want.type.
 */
function oomsimVisible(el) {
  if (!el) return false;
  var r = el.getBoundingClientRect();
  /* a flat line of a chart has a box of no height: an SVG shape needs one side, anything else both */
  var shape = el instanceof el.ownerDocument.defaultView.SVGGeometryElement;
  if (shape ? r.width <= 0 && r.height <= 0 : r.width <= 0 || r.height <= 0) return false;
  if (el.checkVisibility)
    return el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true });
  var s = el.ownerDocument.defaultView.getComputedStyle(el);
  return s.display !== 'none' && s.visibility !== 'hidden' && s.opacity !== '0';
}

/* the checks every page shares: no sideways scrolling, nothing loaded, and the screenshot (gallery/shoot.pl: from
 * the top to the end of the element `end`, at most 16000 px) reaching that end */
function oomsimPageChecks(frame, d, end, why) {
  var e = d.documentElement;
  if (e.scrollWidth > e.clientWidth) why.push('scrolls sideways: ' + e.scrollWidth + ' > ' + e.clientWidth);
  var loaded = frame.contentWindow.performance.getEntriesByType('resource');
  if (loaded.length) why.push('loaded ' + loaded[0].name + (loaded.length > 1 ? ' and ' + (loaded.length - 1) + ' more' : ''));
  if (end && end.getBoundingClientRect().bottom + frame.contentWindow.scrollY > 16000)
    why.push('the screenshot (at most 16000 px) would not reach the end of ' + (end.id || end.tagName));
}

/* explain's page of a real kernel log: a visible section per report, in it a visible bar per row (up to 60) with
 * the kernel's victim's highlighted, and the report's lines; the glossary */
function oomsimExplainVerdict(frame, d, want, why) {
  var all = function (sel) { return Array.prototype.slice.call(d.querySelectorAll(sel)); };
  if (!oomsimVisible(d.getElementById('glossary'))) why.push('the glossary is not visible');
  var secs = all('section.report');
  if (secs.length !== want.reports.length) why.push(secs.length + ' report sections for ' + want.reports.length + ' reports');
  want.reports.forEach(function (r, i) {
    var sec = d.getElementById('report-' + (i + 1));
    if (!oomsimVisible(sec)) { why.push('report ' + (i + 1) + ' not visible'); return; }
    var bars = Array.prototype.slice.call(sec.querySelectorAll('g.bar')).filter(oomsimVisible);
    if (bars.length !== r.bars) why.push('report ' + (i + 1) + ': ' + bars.length + ' visible bars for ' + r.bars + ' rows');
    var hl = Array.prototype.slice.call(sec.querySelectorAll('g.bar.victim'));
    if (r.victim) {
      if (hl.length !== 1 || hl[0].dataset.pid !== String(r.victim) || !oomsimVisible(hl[0]))
        why.push('report ' + (i + 1) + ': the victim ' + r.victim + ' is not the one highlighted bar');
    } else if (hl.length) {
      why.push('report ' + (i + 1) + ': a bar is highlighted, but the kernel killed no row of the table');
    }
    if (!oomsimVisible(sec.querySelector('.klog'))) why.push('report ' + (i + 1) + ': its lines are not visible');
  });
  oomsimPageChecks(frame, d, d.querySelector('[data-shot-end]'), why);
}

/* run --kernel all: the side-by-side table with a visible row per profile, and each profile's own report, opened,
 * with its memory chart and a visible victim bar for each kill */
function oomsimKernelsVerdict(frame, d, want, why) {
  var rows = Array.prototype.slice.call(d.querySelectorAll('table.sweep tr[data-kernel]')).filter(oomsimVisible);
  if (rows.length !== want.rows) why.push(rows.length + ' visible table rows for ' + want.rows + ' profiles');
  var runs = d.querySelectorAll('section.kernel-run');
  if (runs.length !== want.reports.length) why.push(runs.length + ' embedded reports for ' + want.reports.length + ' profiles that ran');
  want.reports.forEach(function (k) {
    var sec = d.getElementById('kernel-' + k.kernel);
    if (!sec) { why.push('no report of kernel ' + k.kernel); return; }
    sec.querySelector('details').open = true;
    var f = sec.querySelector('iframe'), inner = f && f.contentDocument;
    if (!inner || !inner.body) { why.push('kernel ' + k.kernel + ': its report did not load'); return; }
    if (!oomsimVisible(inner.querySelector('#chart-machine svg'))) why.push('kernel ' + k.kernel + ': no visible chart');
    var victims = Array.prototype.slice.call(inner.querySelectorAll('#decisions g.bar.victim')).filter(oomsimVisible);
    if (victims.length < Math.min(k.kills, 1)) why.push('kernel ' + k.kernel + ': no visible victim bar');
  });
  oomsimPageChecks(frame, d, null, why);
}

function oomsimVerdict(frame, want) {
  var d = frame.contentDocument, why = [];
  if (!d || !d.body) return ['not loaded'];
  if (want.type === 'explain') { oomsimExplainVerdict(frame, d, want, why); return why; }
  if (want.type === 'kernels') { oomsimKernelsVerdict(frame, d, want, why); return why; }
  var all = function (sel) { return Array.prototype.slice.call(d.querySelectorAll(sel)); };
  var visible = function (sel) { return all(sel).filter(oomsimVisible); };
  ['outcome', 'chart', 'decisions', 'narrative', 'dmesg', 'glossary'].forEach(function (id) {
    if (!oomsimVisible(d.getElementById(id))) why.push('section ' + id + ' not visible');
  });
  /* the chart: the machine's chart always, drawn lines with at least two points and a box */
  if (!oomsimVisible(d.querySelector('#chart-machine svg'))) why.push('the machine chart is not visible');
  var lines = visible('#chart polyline.ln').filter(function (p) { return p.points.numberOfItems >= 2; });
  if (lines.length < 1) why.push('no chart line is drawn');
  var marks = visible('#chart g.mk.mk-kill');
  if (marks.length !== want.kills) why.push(marks.length + ' kill markers for ' + want.kills + ' kills');
  /* the decisions: one section per OOM decision shown, a visible bar per candidate, the victim's highlighted */
  var sections = all('#decisions section.oom');
  if (sections.length !== want.decisions.length)
    why.push(sections.length + ' decision sections for ' + want.decisions.length + ' OOM decisions');
  want.decisions.forEach(function (dec, i) {
    var sec = d.getElementById('oom-' + (i + 1));
    if (!oomsimVisible(sec)) { why.push('decision ' + (i + 1) + ' not visible'); return; }
    var bars = Array.prototype.slice.call(sec.querySelectorAll('g.bar')).filter(oomsimVisible);
    if (bars.length !== dec.candidates)
      why.push('decision ' + (i + 1) + ': ' + bars.length + ' visible bars for ' + dec.candidates + ' candidates');
    if (dec.victim) {
      var v = sec.querySelector('g.bar.victim[data-pid="' + dec.victim + '"]');
      if (!oomsimVisible(v)) why.push('decision ' + (i + 1) + ': the victim ' + dec.victim + ' has no highlighted bar');
    }
  });
  /* the narrative: visible lines, and every victim named */
  var story = visible('#narrative ol.story li');
  if (story.length < 1) why.push('no narrative line is visible');
  var text = story.map(function (li) { return li.textContent; }).join('\n');
  want.victims.forEach(function (pid) {
    if (!new RegExp('pid ' + pid + ' \\(').test(text)) why.push('the narrative does not name the victim ' + pid);
  });
  /* a run without an OOM decision: the page says so, visibly, and where it shows the scores the OOM killer would
   * give at the end of the trace (a process alive then), they are visible bars said to be no decision */
  if (!want.decisions.length) {
    var none = d.querySelector('#decisions p');
    if (!oomsimVisible(none) || !/never ran/.test(none.textContent)) why.push('no OOM decision, and the page does not say so');
    if (d.getElementById('final-scores')) {
      var fbars = all('#final-scores g.bar').filter(oomsimVisible);
      if (fbars.length < 1) why.push('no OOM decision: no visible bar of the end-of-trace scores');
      if (!/not a decision the kernel took/.test(none.textContent)) why.push('the end-of-trace scores are not said to be no decision');
    }
  }
  oomsimPageChecks(frame, d, d.getElementById('narrative'), why);
  return why;
}

window.addEventListener('load', function () {
  var out = [];
  Array.prototype.forEach.call(document.querySelectorAll('iframe'), function (f) {
    var name = f.dataset.name, size = f.dataset.size, why;
    try {
      why = oomsimVerdict(f, EXPECTED[name]);
    } catch (err) {
      why = ['the check failed: ' + err];
    }
    var h = f.contentDocument && f.contentDocument.documentElement ? f.contentDocument.documentElement.scrollHeight : 0;
    out.push('VERDICT ' + name + ' ' + size + ' ' + (why.length ? 'FAIL ' + h + ': ' + why.join('; ') : 'ok ' + h));
  });
  document.getElementById('out').textContent = out.join('\n');
});
