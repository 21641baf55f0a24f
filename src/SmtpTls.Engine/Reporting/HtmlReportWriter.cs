using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using Newtonsoft.Json;

namespace SmtpTls.Reporting;

/// <summary>
/// Writes a <see cref="SmtpTlsReport"/> as one self-contained HTML file: inline CSS, inline script, an
/// inline SVG chart; no fonts, scripts or requests from anywhere else.
/// </summary>
/// <remarks>
/// Every text that came from a server (banners, replies, certificate names) is untrusted. The summary
/// parts are written as HTML-encoded text; the rows travel as JSON inside a
/// <c>&lt;script type="application/json"&gt;</c> element with <c>&lt;</c>, <c>&gt;</c>, <c>&amp;</c> and quotes
/// escaped as <c>\u003c</c> and so on, so no value can close that element; the script puts them into the
/// page only through <c>textContent</c>. The table shows 100 rows per page, built from that JSON, so
/// that a report of 10,000 results opens as quickly as one of 100.
/// </remarks>
public static class HtmlReportWriter
{
    /// <summary>Rows per page of the results table.</summary>
    public const int PageSize = 100;

    private static readonly JsonSerializerSettings EmbeddedJson = new()
    {
        StringEscapeHandling = StringEscapeHandling.EscapeHtml,
        NullValueHandling = NullValueHandling.Include,
        Formatting = Formatting.None,
    };

    /// <summary>Writes the report.</summary>
    /// <param name="report">The report.</param>
    /// <param name="writer">Where the HTML goes (UTF-8 is what the page declares).</param>
    /// <exception cref="ArgumentNullException">When an argument is null.</exception>
    public static void Write(SmtpTlsReport report, TextWriter writer)
    {
        if (report is null)
        {
            throw new ArgumentNullException(nameof(report));
        }

        if (writer is null)
        {
            throw new ArgumentNullException(nameof(writer));
        }

        var labels = ReportLabels.For(report.Culture);
        var title = report.Title.Length > 0 ? report.Title : labels["title"];
        var generated = report.GeneratedAt.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture);

        writer.Write("<!DOCTYPE html>\n<html lang=\"");
        writer.Write(ReportLabels.Language(report.Culture));
        writer.Write("\">\n<head>\n<meta charset=\"utf-8\">\n");
        // Nothing may load from elsewhere: the policy makes that hold even if a value ever slipped through.
        writer.Write("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n");
        writer.Write("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
        writer.Write(Encode(title));
        writer.Write("</title>\n<style>\n");
        writer.Write(Style);
        writer.Write("</style>\n</head>\n<body>\n<header><h1>");
        writer.Write(Encode(title));
        writer.Write("</h1><p class=\"meta\">");
        writer.Write(Encode(labels["generated"]) + ": " + Encode(generated));
        writer.Write("</p></header>\n<main>\n<section id=\"summary\"><h2>");
        writer.Write(Encode(labels["summary"]));
        writer.Write("</h2>\n<div class=\"cards\">\n");
        WriteStatusCounts(report, labels, writer);
        WriteFindingCounts(report, labels, writer);
        writer.Write("</div>\n");
        WriteExpiryChart(report, labels, writer);
        writer.Write("</section>\n");
        WritePolicies(report, labels, writer);
        WriteResultsSection(labels, writer);
        writer.Write("</main>\n<script type=\"application/json\" id=\"report-data\">");
        writer.Write(JsonConvert.SerializeObject(EmbeddedData(report, labels), EmbeddedJson));
        writer.Write("</script>\n<script>\n");
        writer.Write(Script);
        writer.Write("</script>\n</body>\n</html>\n");
    }

    /// <summary>
    /// The rows for the page's script. Messages, remediation and summaries repeat across a fleet (the same
    /// finding on many servers), so each distinct text is stored once in <c>texts</c> and rows name it by
    /// index: 10,000 results shrink from about 13 MB to a few.
    /// </summary>
    private static object EmbeddedData(SmtpTlsReport report, IReadOnlyDictionary<string, string> labels)
    {
        var texts = new List<string>();
        var indexes = new Dictionary<string, int>(StringComparer.Ordinal);
        int Text(string value)
        {
            if (!indexes.TryGetValue(value, out var index))
            {
                index = texts.Count;
                texts.Add(value);
                indexes[value] = index;
            }

            return index;
        }

        var rows = report.Rows.Select(row => new
        {
            kind = row.Kind,
            server = row.Server,
            port = row.Port,
            address = row.Address,
            domain = row.Domain,
            status = row.Status,
            protocol = row.Protocol,
            banner = row.Banner,
            subject = row.Subject,
            issuer = row.Issuer,
            expires = row.Expires,
            days = row.DaysUntilExpiry,
            summary = Text(row.Summary),
            findings = row.Findings.Select(f => new { id = f.Id, severity = f.Severity, message = Text(f.Message), remediation = Text(f.Remediation) }).ToList(),
        }).ToList();
        return new { labels, pageSize = PageSize, texts, rows };
    }

    private static void WriteStatusCounts(SmtpTlsReport report, IReadOnlyDictionary<string, string> labels, TextWriter writer)
    {
        writer.Write("<div class=\"card\"><h3>" + Encode(labels["byStatus"]) + "</h3><table id=\"status-counts\" class=\"small\">");
        foreach (var pair in report.StatusCounts())
        {
            writer.Write("<tr><td><span class=\"status s-" + Encode(pair.Key) + "\">" + Encode(pair.Key) + "</span></td><td class=\"num\" data-status=\"" + Encode(pair.Key) + "\">"
                + pair.Value.ToString(CultureInfo.InvariantCulture) + "</td></tr>");
        }

        writer.Write("</table></div>\n");
    }

    private static void WriteFindingCounts(SmtpTlsReport report, IReadOnlyDictionary<string, string> labels, TextWriter writer)
    {
        writer.Write("<div class=\"card\"><h3>" + Encode(labels["byFinding"]) + "</h3>");
        var counts = report.FindingCounts();
        if (counts.Count == 0)
        {
            writer.Write("<p>" + Encode(labels["noFindings"]) + "</p></div>\n");
            return;
        }

        writer.Write("<table id=\"finding-counts\" class=\"small\">");
        foreach (var pair in counts)
        {
            writer.Write("<tr><td>" + Encode(pair.Key) + "</td><td class=\"num\">" + pair.Value.ToString(CultureInfo.InvariantCulture) + "</td></tr>");
        }

        writer.Write("</table></div>\n");
    }

    private static void WriteExpiryChart(SmtpTlsReport report, IReadOnlyDictionary<string, string> labels, TextWriter writer)
    {
        var weeks = report.ExpiryByWeek();
        var max = Math.Max(1, weeks.Max(w => w.Certificates));
        const int barWidth = 48, gap = 8, chartHeight = 160, top = 20, bottom = 44;
        var width = weeks.Count * (barWidth + gap) + gap;
        writer.Write("<figure class=\"card wide\"><h3>" + Encode(labels["expiry"]) + "</h3>");
        writer.Write(FormattableString.Invariant($"<svg id=\"expiry-chart\" role=\"img\" viewBox=\"0 0 {width} {chartHeight + top + bottom}\" width=\"{width}\" height=\"{chartHeight + top + bottom}\" xmlns=\"http://www.w3.org/2000/svg\">"));
        writer.Write("<title>" + Encode(labels["expiry"]) + "</title>");
        for (var i = 0; i < weeks.Count; i++)
        {
            var week = weeks[i];
            var height = week.Certificates == 0 ? 0 : Math.Max(2, (int)Math.Round((double)week.Certificates / max * chartHeight));
            var x = gap + i * (barWidth + gap);
            var label = week.IsExpired ? labels["expired"] : week.Start.ToString("MM-dd", CultureInfo.InvariantCulture);
            var tooltip = week.IsExpired ? labels["expired"] : labels["weekOf"] + " " + week.Start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            writer.Write(FormattableString.Invariant($"<g class=\"bar{(week.IsExpired ? " expired" : string.Empty)}\" data-count=\"{week.Certificates}\"><title>"));
            writer.Write(Encode(tooltip) + ": " + week.Certificates.ToString(CultureInfo.InvariantCulture));
            writer.Write(FormattableString.Invariant($"</title><rect x=\"{x}\" y=\"{top + chartHeight - height}\" width=\"{barWidth}\" height=\"{height}\" rx=\"3\"></rect>"));
            writer.Write(FormattableString.Invariant($"<text x=\"{x + barWidth / 2}\" y=\"{top + chartHeight - height - 4}\" text-anchor=\"middle\" class=\"v\">{week.Certificates}</text>"));
            writer.Write(FormattableString.Invariant($"<text x=\"{x + barWidth / 2}\" y=\"{top + chartHeight + 16}\" text-anchor=\"middle\">"));
            writer.Write(Encode(label) + "</text></g>");
        }

        writer.Write(FormattableString.Invariant($"<line x1=\"{gap}\" x2=\"{width - gap}\" y1=\"{top + chartHeight}\" y2=\"{top + chartHeight}\" class=\"axis\"></line>"));
        writer.Write("</svg></figure>\n");
    }

    private static void WritePolicies(SmtpTlsReport report, IReadOnlyDictionary<string, string> labels, TextWriter writer)
    {
        var policies = report.Policies;
        if (policies.Count == 0)
        {
            return;
        }

        writer.Write("<section id=\"policies\"><h2>" + Encode(labels["policies"]) + "</h2><table class=\"grid\"><thead><tr>");
        foreach (var key in new[] { "domain", "status", "MTA-STS", "DANE", "TLS-RPT", "findings" })
        {
            writer.Write("<th>" + Encode(labels.TryGetValue(key, out var text) ? text : key) + "</th>");
        }

        writer.Write("</tr></thead><tbody>");
        foreach (var policy in policies)
        {
            writer.Write("<tr><td>" + Encode(policy.Domain) + "</td><td><span class=\"status s-" + Encode(policy.Status) + "\">" + Encode(policy.Status) + "</span></td><td>"
                + Encode(policy.MtaSts) + "</td><td>" + Encode(policy.Dane) + "</td><td>" + Encode(policy.TlsRpt) + "</td><td>" + Encode(policy.Findings) + "</td></tr>");
        }

        writer.Write("</tbody></table></section>\n");
    }

    private static void WriteResultsSection(IReadOnlyDictionary<string, string> labels, TextWriter writer)
    {
        writer.Write("<section id=\"results\"><h2>" + Encode(labels["results"]) + "</h2>");
        writer.Write("<div class=\"controls\"><input id=\"filter\" type=\"search\" placeholder=\"" + Encode(labels["filter"]) + "\" aria-label=\"" + Encode(labels["filter"]) + "\">");
        writer.Write("<select id=\"status-filter\" aria-label=\"" + Encode(labels["status"]) + "\"><option value=\"\">" + Encode(labels["allStatuses"]) + "</option>");
        foreach (var status in new[] { "Passed", "Warning", "Failed", "Error" })
        {
            writer.Write("<option>" + status + "</option>");
        }

        writer.Write("</select><span id=\"shown\"></span></div><p class=\"hint\">" + Encode(labels["details"]) + "</p>");
        writer.Write("<noscript><p>" + Encode(labels["noScript"]) + "</p></noscript>");
        writer.Write("<table id=\"results-table\" class=\"grid\"><thead><tr>");
        foreach (var (key, label) in new[] { ("server", "server"), ("port", "port"), ("domain", "domain"), ("status", "status"), ("protocol", "protocol"), ("subject", "certificate"), ("days", "days"), ("findings", "findings") })
        {
            writer.Write("<th data-key=\"" + key + "\" tabindex=\"0\">" + Encode(labels[label]) + "</th>");
        }

        writer.Write("</tr></thead><tbody></tbody></table>");
        writer.Write("<div class=\"pager\"><button id=\"prev\" type=\"button\">" + Encode(labels["previous"]) + "</button><span id=\"page\"></span><button id=\"next\" type=\"button\">" + Encode(labels["next"]) + "</button></div></section>\n");
    }

    private static string Encode(string? text) => WebUtility.HtmlEncode(text ?? string.Empty);

    private const string Style = @"body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;color:#1d2330;background:#f5f6f8}
header{background:#1f3a5f;color:#fff;padding:14px 24px}header h1{margin:0;font-size:1.4em}.meta{margin:4px 0 0;opacity:.8;font-size:.9em}
main{padding:12px 24px}h2{font-size:1.15em;margin:18px 0 8px}h3{font-size:.95em;margin:0 0 8px}
.cards{display:flex;flex-wrap:wrap;gap:12px}.card{background:#fff;border:1px solid #dde1e7;border-radius:6px;padding:12px 14px;margin:0 0 12px}.wide{overflow-x:auto}
table.small td{padding:2px 10px 2px 0}.num{text-align:right;font-variant-numeric:tabular-nums}
table.grid{border-collapse:collapse;width:100%;background:#fff;font-size:.9em}table.grid th,table.grid td{border-bottom:1px solid #e3e6eb;padding:5px 8px;text-align:left;vertical-align:top}
table.grid th{background:#eef1f5;position:sticky;top:0}th[data-key]{cursor:pointer;user-select:none}th.asc::after{content:' \25B2'}th.desc::after{content:' \25BC'}
tbody tr.row{cursor:pointer}tbody tr.row:hover{background:#f0f4fa}tr.detail td{background:#fafbfc}
.status{display:inline-block;padding:1px 7px;border-radius:9px;font-size:.85em;font-weight:600}.s-Passed{background:#dff3e4;color:#17652b}.s-Warning{background:#fff1cc;color:#7a5600}.s-Failed{background:#fde0e0;color:#9b1c1c}.s-Error{background:#e9e1f7;color:#4b2a84}
.sev-Error{color:#9b1c1c;font-weight:600}.sev-Warning{color:#7a5600;font-weight:600}.sev-Info{color:#555}
.controls{display:flex;gap:10px;align-items:center;margin-bottom:6px}#filter{flex:1;max-width:420px;padding:5px 8px}#shown{color:#555;font-size:.9em}.hint{color:#666;font-size:.85em;margin:2px 0 8px}
.fix{white-space:pre-line;margin:2px 0 6px 12px;color:#333}.pager{display:flex;gap:10px;align-items:center;margin:10px 0}.detail ul{margin:4px 0;padding-left:18px}.detail li{margin:3px 0}.mono{font-family:ui-monospace,monospace;white-space:pre-wrap;word-break:break-all}
svg .bar rect{fill:#3b6ea5}svg .bar.expired rect{fill:#b33a3a}svg text{font-size:11px;fill:#333}svg .axis{stroke:#999}
";

    private const string Script = @"(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var L = data.labels, rows = data.rows, pageSize = data.pageSize, texts = data.texts;
  var state = { key: 'status', dir: 1, q: '', status: '', page: 0, open: {} };
  var severityRank = { Error: 0, Warning: 1, Info: 2 };
  var statusRank = { Error: 0, Failed: 1, Warning: 2, Passed: 3 };
  rows.forEach(function (r, i) {
    r._i = i;
    r.summary = texts[r.summary];
    r.findings.forEach(function (f) { f.message = texts[f.message]; f.remediation = texts[f.remediation]; });
    r._text = [r.server, r.address, String(r.port), r.domain, r.status, r.protocol, r.subject, r.issuer, r.summary]
      .concat(r.findings.map(function (f) { return f.id; })).join(' ').toLowerCase();
    r._ids = r.findings.filter(function (f) { return f.severity !== 'Info'; }).map(function (f) { return f.id + ' (' + f.severity + ')'; }).join(', ');
  });
  var tbody = document.querySelector('#results-table tbody');
  var headers = document.querySelectorAll('#results-table th[data-key]');
  function fmt(text, a, b) { return text.replace('{0}', a).replace('{1}', b); }
  function value(r, key) {
    if (key === 'status') { return statusRank.hasOwnProperty(r.status) ? statusRank[r.status] : 9; }
    if (key === 'days') { return r.days === null ? Infinity : r.days; }
    if (key === 'port') { return r.port; }
    if (key === 'findings') { return r._ids; }
    return (r[key] || '').toLowerCase();
  }
  function readHash() {
    var params = new URLSearchParams(location.hash.slice(1));
    if (params.get('sort')) { state.key = params.get('sort'); }
    if (params.get('dir')) { state.dir = params.get('dir') === 'desc' ? -1 : 1; }
    state.q = params.get('q') || '';
    state.status = params.get('status') || '';
    state.page = Math.max(0, (parseInt(params.get('page') || '1', 10) || 1) - 1);
    document.getElementById('filter').value = state.q;
    document.getElementById('status-filter').value = state.status;
  }
  function selected() {
    var q = state.q.toLowerCase();
    var list = rows.filter(function (r) {
      return (!state.status || r.status === state.status) && (!q || r._text.indexOf(q) >= 0);
    });
    list.sort(function (a, b) {
      var x = value(a, state.key), y = value(b, state.key);
      return (x < y ? -1 : x > y ? 1 : 0) * state.dir || a._i - b._i;
    });
    return list;
  }
  function cell(tr, text, cls) {
    var td = document.createElement('td');
    td.textContent = text === null || text === undefined ? '' : String(text);
    if (cls) { td.className = cls; }
    tr.appendChild(td);
    return td;
  }
  function detail(r) {
    var tr = document.createElement('tr');
    tr.className = 'detail';
    var td = document.createElement('td');
    td.colSpan = headers.length;
    var ul = document.createElement('ul');
    r.findings.forEach(function (f) {
      var li = document.createElement('li');
      var id = document.createElement('span');
      id.className = 'sev-' + f.severity;
      id.textContent = f.id + ' (' + f.severity + '): ';
      li.appendChild(id);
      li.appendChild(document.createTextNode(f.message));
      if (f.remediation) {
        var fix = document.createElement('div');
        fix.className = 'fix';
        fix.textContent = L.remediation + ':\n' + f.remediation;
        li.appendChild(fix);
      }
      ul.appendChild(li);
    });
    td.appendChild(ul);
    [[L.meaning, r.summary], [L.certificate, r.subject], [L.issuer, r.issuer], [L.expires, r.expires], [L.banner, r.banner]].forEach(function (pair) {
      if (!pair[1]) { return; }
      var p = document.createElement('div');
      var b = document.createElement('b');
      b.textContent = pair[0] + ': ';
      p.appendChild(b);
      var span = document.createElement('span');
      span.className = pair[0] === L.banner ? 'mono' : '';
      span.textContent = pair[1];
      p.appendChild(span);
      td.appendChild(p);
    });
    tr.appendChild(td);
    return tr;
  }
  function render() {
    var list = selected();
    var pages = Math.max(1, Math.ceil(list.length / pageSize));
    if (state.page >= pages) { state.page = pages - 1; }
    var fragment = document.createDocumentFragment();
    list.slice(state.page * pageSize, (state.page + 1) * pageSize).forEach(function (r) {
      var tr = document.createElement('tr');
      tr.className = 'row';
      tr.dataset.index = r._i;
      cell(tr, r.server);
      cell(tr, r.port, 'num');
      cell(tr, r.domain);
      var status = cell(tr, '');
      var badge = document.createElement('span');
      badge.className = 'status s-' + r.status;
      badge.textContent = r.status;
      status.appendChild(badge);
      cell(tr, r.protocol);
      cell(tr, r.subject);
      cell(tr, r.days, 'num');
      cell(tr, r._ids);
      tr.addEventListener('click', function () { state.open[r._i] = !state.open[r._i]; render(); });
      fragment.appendChild(tr);
      if (state.open[r._i]) { fragment.appendChild(detail(r)); }
    });
    tbody.replaceChildren(fragment);
    headers.forEach(function (th) {
      th.classList.remove('asc', 'desc');
      if (th.dataset.key === state.key) { th.classList.add(state.dir > 0 ? 'asc' : 'desc'); }
    });
    document.getElementById('shown').textContent = fmt(L.shown, list.length, rows.length);
    document.getElementById('page').textContent = fmt(L.page, state.page + 1, pages);
    document.getElementById('prev').disabled = state.page === 0;
    document.getElementById('next').disabled = state.page >= pages - 1;
    document.body.dataset.rendered = String(list.length);
  }
  headers.forEach(function (th) {
    function sort() {
      if (state.key === th.dataset.key) { state.dir = -state.dir; } else { state.key = th.dataset.key; state.dir = 1; }
      state.page = 0;
      render();
    }
    th.addEventListener('click', sort);
    th.addEventListener('keydown', function (e) { if (e.key === 'Enter') { sort(); } });
  });
  document.getElementById('filter').addEventListener('input', function (e) { state.q = e.target.value; state.page = 0; render(); });
  document.getElementById('status-filter').addEventListener('change', function (e) { state.status = e.target.value; state.page = 0; render(); });
  document.getElementById('prev').addEventListener('click', function () { state.page--; render(); });
  document.getElementById('next').addEventListener('click', function () { state.page++; render(); });
  var started = performance.now();
  readHash();
  render();
  document.body.dataset.renderMs = String(Math.round(performance.now() - started));
  // Milliseconds from the start of navigation until the table is there: what a reader waits for.
  document.body.dataset.readyMs = String(Math.round(performance.now()));
})();
";
}
