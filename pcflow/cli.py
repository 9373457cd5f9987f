"""The `pcflow` command: run the embedded stack, submit files, look at results, evaluate."""

from __future__ import annotations

import asyncio
import hashlib
import json
import shutil
import time
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from pymongo.errors import PyMongoError
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from pcflow import dlq as dlq_commands
from pcflow.health import RESTARTING, RUNNING, current_health, stage_lag, waiting_reason
from pcflow.records import find_record, list_records, wait_for_final
from pcflow.render import render_document
from pcflow.settings import tool_settings
from pcflow.stack import Stack, StackSettings

if TYPE_CHECKING:
    from pcflow.export import Export, Filters
    from pcflow.tuning import Tuning

app = typer.Typer(help="Turn Dutch municipal P&C report PDFs into structured documents.")
app.add_typer(dlq_commands.app, name="dlq")
console = Console()


@app.command()
def up(
    with_prometheus: Annotated[
        bool, typer.Option(help="also start Prometheus (Debian package) scraping the stack")
    ] = False,
    prometheus_port: Annotated[int, typer.Option(help="Prometheus port")] = 9090,
) -> None:
    """Start broker, database and the four services in the background, under a supervisor
    that starts again whichever of them dies."""
    stack = Stack()
    with console.status("starting the embedded stack"):
        stack.up()
        if with_prometheus:
            from pcflow.prometheus import start_prometheus

            start_prometheus(stack, prometheus_port)
            console.print(f"Prometheus: http://127.0.0.1:{prometheus_port}")
    settings = stack.settings
    console.print(
        f"[green]pcflow is up[/]: broker {settings.bootstrap}, "
        f"database 127.0.0.1:{settings.mongo_port} (its user in {settings.credentials_file})"
    )
    console.print(f"open [bold]{settings.web_url}[/] in a browser")
    console.print(f"drop PDFs into {settings.inbox} or run [bold]pcflow submit FILE[/]")
    for name, port in settings.metrics_ports().items():
        console.print(f"  {name:<10} http://127.0.0.1:{port}/metrics")
    console.print(
        f"logs in {stack.log_dir} (restarts in supervisor.log); "
        "health with [bold]pcflow status[/]; stop with [bold]pcflow down[/]"
    )


@app.command()
def web() -> None:
    """Serve the pages and the JSON API in the foreground (`pcflow up` runs it in the stack);
    host, port, database and upload inbox or bucket come from PCFLOW_* settings."""
    from pcflow.web.app import serve
    from shared.settings import WebSettings

    serve(WebSettings())


@app.command()
def down() -> None:
    """Stop the embedded stack (services first, so they finish what is in flight)."""
    Stack().down()
    console.print("pcflow is down")


def drop_into_inbox(path: Path, inbox: Path) -> str:
    """Copy atomically: the watcher never sees a half-written file."""
    inbox.mkdir(parents=True, exist_ok=True)
    partial = inbox / f".{path.name}.part"
    shutil.copyfile(path, partial)
    partial.replace(inbox / path.name)
    return hashlib.sha256(path.read_bytes()).hexdigest()


@app.command()
def submit(
    files: Annotated[list[Path], typer.Argument(exists=True, dir_okay=False)],
    timeout: Annotated[float, typer.Option(help="seconds to wait for each file")] = 600.0,
) -> None:
    """Drop files into the inbox and follow each until it is stored or failed."""
    settings = StackSettings()
    stack = Stack(settings)
    ids = {path: drop_into_inbox(path, settings.inbox) for path in files}
    names = {doc_id: path.name for path, doc_id in ids.items()}
    failed = 0
    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn()
    ) as progress:
        tasks = {doc_id: progress.add_task(f"{name}: submitted") for doc_id, name in names.items()}
        waiting: dict[str, str | None] = {}

        def on_poll(statuses: dict[str, str]) -> None:
            health = current_health(stack)
            for doc_id, name in names.items():
                status = statuses.get(doc_id, "submitted")
                reason = waiting_reason(status, health)
                description = f"{name}: {status}"
                if reason is not None:
                    description = f"{name}: waiting in {status}: {reason}"
                    if waiting.get(doc_id) != reason:
                        progress.console.print(description)
                waiting[doc_id] = reason
                progress.update(tasks[doc_id], description=description)

        results = asyncio.run(
            wait_for_final(tool_settings(settings), list(names), timeout, on_poll)
        )
    for path, doc_id in ids.items():
        record = results.get(doc_id) or {}
        status = record.get("status", "timed out")
        if status == "stored":
            counts = record.get("counts", {})
            console.print(
                f"[green]stored[/] {path.name} {doc_id[:12]}: "
                f"{counts.get('paragraphs', 0)} paragraphs, "
                f"{counts.get('financial_lines', 0)} financial lines, "
                f"{counts.get('tables', 0)} tables"
            )
        else:
            failed += 1
            reason = record.get("reason") or waiting.get(doc_id) or ""
            console.print(f"[red]{status}[/] {path.name} {doc_id[:12]}: {reason}")
    if failed:
        raise typer.Exit(1)


@app.command()
def status(limit: Annotated[int, typer.Option(help="how many documents")] = 50) -> None:
    """Every process of the stack, each stage's consumer lag, and documents, newest first."""
    stack = Stack()
    health = current_health(stack)
    processes = Table("process", "state", "pid", "since", "restarts", "last exit")
    for name, entry in health.items():
        colour = {RUNNING: "green", RESTARTING: "yellow"}.get(entry.state, "red")
        processes.add_row(
            name,
            f"[{colour}]{entry.state}[/]",
            str(entry.pid or ""),
            (entry.since or "")[:19],
            str(entry.restarts),
            entry.last_exit or "",
        )
    console.print(processes)
    if stack.pid("supervisor") is None:
        console.print("[yellow]no supervisor runs: nothing that dies is restarted[/]")
    lag = Table("stage", "consumer lag (messages)")
    for stage, messages in stage_lag(stack).items():
        lag.add_row(stage, "unknown (not answering)" if messages is None else str(messages))
    console.print(lag)
    try:
        records = asyncio.run(list_records(tool_settings(stack.settings), limit))
    except PyMongoError as error:
        console.print(f"[red]documents unavailable: the database does not answer ({error})[/]")
        raise typer.Exit(1) from error
    table = Table("document", "file", "status", "updated", "reason")
    for record in records:
        table.add_row(
            record["document_id"][:12],
            record.get("filename", ""),
            record.get("status", ""),
            str(record.get("status_at", ""))[:19],
            (record.get("reason") or "")[:80],
        )
    console.print(table)


@app.command()
def show(
    document_id: Annotated[str, typer.Argument(help="document id or a unique prefix of it")],
    as_json: Annotated[
        bool, typer.Option("--json", help="print the stored record as JSON")
    ] = False,
) -> None:
    """One document: sections, labelled paragraphs, financial lines per taakveld."""
    record = asyncio.run(find_record(tool_settings(), document_id))
    if record is None:
        console.print(f"[red]no document matches {document_id}[/]")
        raise typer.Exit(1)
    if as_json:
        record.pop("_id", None)
        typer.echo(json.dumps(record, default=str, ensure_ascii=False, indent=2))
        return
    render_document(console, record)


@app.command()
def tail(
    from_beginning: Annotated[bool, typer.Option(help="replay the whole topic first")] = False,
    count: Annotated[int, typer.Option(help="stop after this many messages (0: follow)")] = 0,
) -> None:
    """Follow the structured-document topic."""
    from pcflow.follow import follow_structured

    def show_line(event: dict[str, Any]) -> None:
        document = event.get("document", {})
        console.print(
            f"{event.get('stored_at', '')[:19]} {event['document_id'][:12]} "
            f"{event.get('filename', '')}: "
            f"{len(document.get('paragraphs', []))} paragraphs, "
            f"{len(document.get('financial_lines', []))} financial lines"
        )

    asyncio.run(follow_structured(tool_settings(), from_beginning, count, show_line))


@app.command(name="eval")
def evaluate(
    pdf_dir: Annotated[Path, typer.Argument(exists=True, file_okay=False)],
    out: Annotated[Path, typer.Option("--out", help="folder for one evaluation JSON per PDF")],
    loro: Annotated[
        bool,
        typer.Option(
            "--loro",
            help="PDFs with *.truth.json beside them: also label each report with a model "
            "trained on the other reports (OUT/loro), the shipped model's labels in OUT/in-sample",
        ),
    ] = False,
    overrides: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            metavar="PATH=VALUE",
            help="change one tuning value, e.g. tables.min_numeric_share=0.55 (repeatable; "
            "the fields of services/extract/tuning.py and services/classify/tuning.py)",
        ),
    ] = None,
) -> None:
    """Run the extract and classify cores in process; write the evaluation view per PDF."""
    from pcflow.tuning import TuningError, tuning_with

    try:
        tuning = tuning_with(overrides or [])
    except TuningError as error:
        console.print(f"[red]--set[/]: {error}")
        raise typer.Exit(2) from error
    if loro:
        _evaluate_loro(pdf_dir, out, tuning)
        return
    from pcflow.evaluate import evaluate_file

    out.mkdir(parents=True, exist_ok=True)
    pdfs = sorted(pdf_dir.glob("*.pdf"))
    for pdf in pdfs:
        started = time.perf_counter()
        view = evaluate_file(pdf, tuning)
        (out / f"{pdf.stem}.json").write_text(json.dumps(view, ensure_ascii=False, indent=1))
        console.print(
            f"{pdf.name}: {len(view['paragraphs'])} paragraphs, {len(view['financial_lines'])} "
            f"financial lines, {len(view['tables'])} tables ({time.perf_counter() - started:.1f} s)"
        )


def _evaluate_loro(pdf_dir: Path, out: Path, tuning: Tuning) -> None:
    import os

    from pcflow.evaluate import MISSED, leave_one_report_out
    from services.classify.labels import LABELS

    result = leave_one_report_out(pdf_dir, os.cpu_count() or 1, console.print, tuning)
    for folder, views in (("in-sample", result.in_sample), ("loro", result.held_out)):
        (out / folder).mkdir(parents=True, exist_ok=True)
        for stem, view in views.items():
            (out / folder / f"{stem}.json").write_text(json.dumps(view, ensure_ascii=False))
    columns = [*LABELS, MISSED]
    matrix = Table(
        "truth \\ predicted",
        *columns,
        title="Leave-one-report-out labels, every style (truth rows, predicted columns)",
    )
    for truth in LABELS:
        matrix.add_row(truth, *(str(result.confusion[(truth, p)]) for p in columns))
    console.print(matrix)


@app.command()
def debug(
    pdf: Annotated[Path, typer.Argument(exists=True, dir_okay=False)],
    page: Annotated[int, typer.Option("--page", help="1-based page number")],
    out: Annotated[
        Path | None, typer.Option("--out", help="PNG to write (default: PDF-pN.png here)")
    ] = None,
) -> None:
    """Draw what extraction saw on one page: text lines and blocks, tables with their cell
    grid, rulings and frames, the reading order, and the running text dropped."""
    from pcflow.debug import LEGEND, PageOutOfRange, debug_page
    from services.extract.errors import ExtractionError

    try:
        drawing = debug_page(pdf.read_bytes(), page)
    except PageOutOfRange as error:
        console.print(f"[red]{error}[/]")
        raise typer.Exit(2) from error
    except ExtractionError as error:
        console.print(f"[red]{pdf.name} cannot be extracted[/]: {error}")
        raise typer.Exit(1) from error
    target = out or Path(f"{pdf.stem}-p{page}.png")
    target.write_bytes(drawing.png)
    counts = {kind: sum(m.kind == kind for m in drawing.marks) for kind in LEGEND}
    console.print(
        f"wrote {target}: " + ", ".join(f"{n} {LEGEND[kind]}" for kind, n in counts.items())
    )


@app.command()
def reconcile(
    stale_after: Annotated[float, typer.Option(help="seconds without progress")] = 300.0,
) -> None:
    """Send again what the broker lost, and uploads that never reached a final status."""
    from pcflow.reconcile import run_reconcile

    done = asyncio.run(run_reconcile(tool_settings(), timedelta(seconds=stale_after)))
    console.print(f"re-emitted {len(done.reemitted)} uploads")
    for doc_id in done.reemitted:
        console.print(f"  {doc_id}")
    console.print(f"published {len(done.republished)} structured documents again")
    for doc_id in done.republished:
        console.print(f"  {doc_id}")


@app.command()
def export(
    out: Annotated[Path, typer.Argument(file_okay=False, help="folder to write the export into")],
    fmt: Annotated[str, typer.Option("--format", help="xlsx, csv or parquet")] = "xlsx",
    municipality: Annotated[str | None, typer.Option(help="only this municipality")] = None,
    year: Annotated[int | None, typer.Option(help="only documents reporting on this year")] = None,
    document_type: Annotated[
        str | None, typer.Option(help="only this document type, e.g. begroting, jaarverslag")
    ] = None,
    taakveld: Annotated[
        str | None, typer.Option(help="only financial lines of this taakveld (6 or 6.71)")
    ] = None,
    label: Annotated[
        str | None, typer.Option(help="only paragraphs with this label, e.g. toelichting")
    ] = None,
    pdfs: Annotated[
        Path | None,
        typer.Option(
            file_okay=False,
            exists=True,
            help="classify the PDFs in this folder in process instead of reading the database",
        ),
    ] = None,
) -> None:
    """Stored documents as tidy tables: one row per amount of a financial line, one per
    paragraph."""
    from pcflow.export import FORMATS, Filters, build_export, write_export

    if fmt not in FORMATS:
        console.print(f"[red]unknown format {fmt}[/]: choose one of {', '.join(FORMATS)}")
        raise typer.Exit(2)
    filters = Filters(municipality, year, document_type, taakveld, label)
    if pdfs is not None:
        from pcflow.evaluate import classify_file

        table = build_export((classify_file(pdf) for pdf in sorted(pdfs.glob("*.pdf"))), filters)
    else:
        table = asyncio.run(_export_stored(filters))
    for path in write_export(table, out, fmt):
        console.print(f"wrote {path}")
    console.print(
        f"{len(table.financial_lines)} amounts of financial lines, "
        f"{len(table.paragraphs)} paragraphs"
    )


async def _export_stored(filters: Filters) -> Export:
    from pcflow.export import Export
    from pcflow.records import stored_documents

    settings = tool_settings()
    export = Export()
    async for doc in stored_documents(settings, settings.mongo_database):
        export.add(doc, filters)
    return export
