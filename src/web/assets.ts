/**
 * The dashboard's only static assets, served from memory: one stylesheet and one small script (progressive
 * enhancement: every page works without it). Nothing is fetched from anywhere else.
 */

/** The stylesheet: system fonts, contrast of at least 4.5:1 for text, visible keyboard focus. */
export const DASHBOARD_CSS = `
:root{--fg:#1b1f24;--muted:#4a5460;--bg:#fff;--panel:#f5f7fa;--line:#d0d7de;--accent:#0b5cad;--ok:#1a7f37;--bad:#b42318;--warn:#8a5a00}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
a{color:var(--accent)}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,summary:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff;padding:4px 8px;z-index:2}
header.top{display:flex;flex-wrap:wrap;gap:12px 24px;align-items:center;padding:10px 20px;border-bottom:1px solid var(--line);background:var(--panel)}
header.top .brand{font-weight:700;text-decoration:none;color:var(--fg)}
header.top nav a{margin-right:16px}
header.top form{margin-left:auto;display:flex;gap:6px}
main{max-width:1100px;margin:0 auto;padding:16px 20px 48px}
h1{font-size:1.5rem;margin:.5rem 0 1rem}h2{font-size:1.2rem;margin:1.5rem 0 .5rem}
input,select,button,textarea{font:inherit}
input[type=text],input[type=search],input[type=password],input[type=time],input[type=number],select{padding:6px 8px;border:1px solid #6e7781;border-radius:6px;background:#fff;color:var(--fg)}
button{padding:6px 12px;border:1px solid var(--accent);border-radius:6px;background:var(--accent);color:#fff;cursor:pointer}
button.secondary{background:#fff;color:var(--accent)}
.muted{color:var(--muted)}
.cards{list-style:none;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(320px,1fr));gap:14px}
.card{border:1px solid var(--line);border-radius:8px;padding:12px;display:flex;gap:12px;background:#fff}
.card img{width:96px;height:64px;object-fit:cover;border-radius:4px;flex:none;background:var(--panel)}
.card h3{font-size:1rem;margin:0 0 4px}
.card p{margin:4px 0}
.meta{font-size:.9rem;color:var(--muted)}
.links a{margin-right:10px;font-size:.9rem;white-space:nowrap}
.pager{display:flex;gap:16px;align-items:center;margin:16px 0}
.note{background:#fff8c5;border:1px solid #d4a72c;border-radius:6px;padding:8px 12px}
.error{background:#ffebe9;border:1px solid #ff8182;border-radius:6px;padding:8px 12px}
.ok{color:var(--ok)}.bad{color:var(--bad)}
table{border-collapse:collapse;width:100%;font-size:.95rem}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{background:var(--panel)}
.forms{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:16px}
fieldset{border:1px solid var(--line);border-radius:8px;padding:12px}
legend{font-weight:600}
label{display:block;margin:6px 0 2px}
form.inline{display:inline}
dt{font-weight:600}dd{margin:0 0 6px 16px}
.row{display:flex;gap:8px;flex-wrap:wrap;align-items:end}
.reply{border-left:4px solid var(--accent);padding:6px 12px;background:var(--panel);margin:12px 0}
.reply.error{border-left-color:var(--bad)}
pre{white-space:pre-wrap;margin:4px 0}
figure{margin:12px 0}figcaption{font-weight:600;margin-bottom:4px}
svg text{font:11px system-ui,sans-serif;fill:#1b1f24}
.legend span{display:inline-block;margin-right:12px;font-size:.9rem}
mark{background:#fff3a3}
`.trim();

/** Progressive enhancement: the day picker goes to the chosen day at once; "remove topic" asks first. */
export const DASHBOARD_JS = `
document.querySelectorAll('select[data-autosubmit]').forEach(function (s) {
  s.addEventListener('change', function () { if (s.form) s.form.requestSubmit(); });
  var b = s.form && s.form.querySelector('button[data-enhanced-hide]');
  if (b) b.hidden = true;
});
document.querySelectorAll('form[data-confirm]').forEach(function (f) {
  f.addEventListener('submit', function (e) { if (!window.confirm(f.getAttribute('data-confirm'))) e.preventDefault(); });
});
`.trim();
