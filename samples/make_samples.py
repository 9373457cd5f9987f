"""Generates the sample reports in samples/: small, fictitious P&C excerpts for `make run`.

Each sample has what pcflow looks for: programme headings, the BBV questions, a three-column
activity table and a financial table per taakveld with a unit caption.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pymupdf

CSS = """
body { font-family: serif; font-size: 10pt; }
h1 { font-size: 16pt; } h2 { font-size: 13pt; } h3 { font-size: 11pt; }
table { border-collapse: collapse; width: 100%; }
td, th { border: 0.5pt solid black; padding: 2pt; font-size: 8.5pt; }
td.n { text-align: right; }
"""

SAMPLES: dict[str, tuple[str, int, str, list[tuple[str, str, int, int]]]] = {
    "sample-begroting-2025.pdf": (
        "Gemeente Voorbeeldstad",
        2025,
        "Programmabegroting",
        [
            ("6.1 Samenkracht en burgerparticipatie", "Buurtwerk en vrijwilligers", 4210, 310),
            ("6.3 Inkomensregelingen", "Bijstand en minimabeleid", 18350, 12900),
            ("6.71 Maatwerkdienstverlening 18+", "Huishoudelijke hulp", 7020, 480),
        ],
    ),
    "sample-jaarverslag-2023.pdf": (
        "Gemeente Rivierdorp",
        2023,
        "Jaarverslag",
        [
            ("610 Samenkracht en burgerparticipatie", "Wijkteams", 2890, 120),
            ("672 Maatwerkdienstverlening 18-", "Jeugdhulp", 9650, 0),
        ],
    ),
}


def money(thousands: int) -> str:
    return f"{thousands:,}".replace(",", ".")


def report_html(
    municipality: str, year: int, kind: str, rows: list[tuple[str, str, int, int]]
) -> str:
    body_rows = "".join(
        f"<tr><td>{taakveld}</td><td class='n'>{money(lasten)}</td>"
        f"<td class='n'>{money(baten)}</td><td class='n'>{money(baten - lasten)}</td></tr>"
        for taakveld, _, lasten, baten in rows
    )
    total_lasten = sum(r[2] for r in rows)
    total_baten = sum(r[3] for r in rows)
    activities = "".join(
        f"<tr><td>{activity}</td><td>De ondersteuning bij {activity.lower()} is in {year} "
        f"beschikbaar voor alle inwoners die dat nodig hebben.</td><td>Loopt volgens planning; "
        f"de uitvoering ligt op schema.</td></tr>"
        for _, activity, _, _ in rows
    )
    return f"""
<h1>{kind} {year}</h1>
<p>{municipality}</p>
<h2>Programma 6 Sociaal domein</h2>
<h3>Wat willen we bereiken?</h3>
<p>Alle inwoners doen mee in de samenleving en krijgen de ondersteuning die past bij hun
situatie. Minder inwoners zijn langdurig afhankelijk van een uitkering.</p>
<h3>Wat gaan we daarvoor doen?</h3>
<p>We versterken de wijkteams en zorgen voor een snelle toegang tot hulp, dicht bij huis.</p>
<table><tr><th>Activiteit</th><th>Resultaat</th><th>Toelichting (status)</th></tr>
{activities}</table>
<h3>Wat gaat het kosten?</h3>
<p>Bedragen x € 1.000</p>
<table><tr><th>Taakveld</th><th>Lasten</th><th>Baten</th><th>Saldo</th></tr>{body_rows}
<tr><td>Totaal</td><td class='n'>{money(total_lasten)}</td><td class='n'>{money(total_baten)}</td>
<td class='n'>{money(total_baten - total_lasten)}</td></tr></table>
<h3>Financiële toelichting</h3>
<p>De lasten voor inkomensregelingen stijgen door een hoger aantal huishoudens met een
bijstandsuitkering dan geraamd.</p>
"""


def make_sample(
    path: Path, municipality: str, year: int, kind: str, rows: list[tuple[str, str, int, int]]
) -> None:
    story = pymupdf.Story(html=report_html(municipality, year, kind, rows), user_css=CSS)
    writer = pymupdf.DocumentWriter(str(path))
    more = True
    page = pymupdf.paper_rect("a4")
    body = pymupdf.Rect(page.x0 + 50, page.y0 + 50, page.x1 - 50, page.y1 - 50)
    while more:
        device = writer.begin_page(page)
        more, _ = story.place(body)
        story.draw(device)
        writer.end_page()
    writer.close()


def main(target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for name, (municipality, year, kind, rows) in SAMPLES.items():
        make_sample(target / name, municipality, year, kind, rows)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "samples"))
