// Keeps the documents table current: asks the JSON API every 2 s and redraws the rows.
"use strict";
(function () {
  const table = document.getElementById("documents");
  const body = table.tBodies[0];
  const cell = (row, text, className) => {
    const td = row.insertCell();
    td.textContent = text;
    if (className) td.className = className;
    return td;
  };
  async function refresh() {
    const response = await fetch(table.dataset.api, { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const rows = await response.json();
    if (rows.length === 0) return;
    body.replaceChildren();
    for (const doc of rows) {
      const row = body.insertRow();
      row.dataset.id = doc.document_id;
      row.className = "status-" + doc.status;
      const link = document.createElement("a");
      link.href = table.dataset.link + encodeURIComponent(doc.document_id);
      link.textContent = doc.filename || doc.document_id.slice(0, 12);
      cell(row, "").appendChild(link);
      cell(row, doc.status, "status");
      cell(row, doc.status_at.slice(0, 19).replace("T", " "));
      cell(row, [doc.municipality, doc.document_type, doc.year || ""].join(" "));
      cell(row, doc.paragraphs, "number");
      cell(row, doc.needs_review, "number");
      cell(row, doc.financial_lines, "number");
      cell(row, doc.reason, "reason");
    }
  }
  setInterval(() => refresh().catch(() => {}), 2000);
})();
