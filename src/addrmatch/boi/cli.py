"""``addrmatch boi ...``: the staff module's commands (registered through the ``addrmatch.commands`` entry point).

::

    addrmatch boi load-reference DB --schools S.csv --genders G.csv --assignment-codes A.csv --titles T.csv
    addrmatch boi check DB [-o report.html] [--format html|text|json]
    addrmatch boi validate DB HR.json|HR.csv [-o report.html] [--format ...] [--started-by NAME]
    addrmatch boi commit DB [HR.json|HR.csv] [-o report.html] [--format text|json]
    addrmatch boi status DB [--format text|json]
    addrmatch boi demo DB [--hr HR.csv]
    addrmatch boi user add DB NAME [--full-name TEXT] [--tool-rights RIGHT ...]   (password on stdin)

Same conventions as the other commands: an error is one line on stderr
(``addrmatch: error: ...``), exit code 2, ``--verbose`` adds the traceback;
exit code 1 is a negative answer (``check``: the Campus data has duplicate or
missing staff numbers; ``validate``: some HR records were rejected, or the
report already holds conflicts that will fail at commit; ``commit``: some
HR records were rejected or staff failed). Reports are written to a temporary file renamed into
place, so a failed run leaves no half-written file.

HR files: JSON (a list of staff objects in the specification's camelCase
shape, or ``{"staffMembers": [...]}``), or CSV with one column per field:
the demographics (``staffNumber, lastName, firstName, middleName, gender,
ssn, birthdate, workPhone, cellPhone, otherPhone, workEmail,
personalEmail``), one employment (``hireDate, terminationDate``), one
position (``schoolNumber, assignmentCode, titleCode, titleDescription,
startDate, endDate``) and one address (``fullStreetAddress`` or
``postOfficeBox, number, prefix, street, tag, direction, apt``, with
``city, state, zip, county``). Several rows with the same ``staffNumber``
are one staff member with several employments, positions and addresses
(demographics from the first row that has them). Header names are matched
ignoring case, spaces and underscores (``staff_number`` is ``staffNumber``);
an empty cell is "not sent".
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import io
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from addrmatch._cli_common import (
    EXIT_NO,
    EXIT_OK,
    CommandError,
    Console,
    add_format_option,
    common_options,
    existing_database,
    write_csv,
    write_private,
)
from addrmatch._files import remove_database
from addrmatch.boi.campus import Campus
from addrmatch.boi.db import transaction
from addrmatch.boi.demo import DEMO_SEED, build_demo
from addrmatch.boi.errors import BOIError
from addrmatch.boi.hr_file import CSV_COLUMNS, read_hr_file
from addrmatch.boi.report import Report

__all__ = ["CSV_COLUMNS", "campus_handler", "existing_campus", "read_hr_file", "register"]

_BATCH = 1_000
_REFERENCE_OPTIONS = (
    ("schools", "--schools", "schoolNumber,name"),
    ("genders", "--genders", "code,name"),
    ("assignmentCodes", "--assignment-codes", "assignmentCode,description"),
    ("titles", "--titles", "titleCode,titleDescription"),
)


# ---------------------------------------------------------------------------
# databases and outputs


def existing_campus(path: str) -> str:
    """``path`` must be an existing Campus database (a read never creates one);
    :class:`CommandError` otherwise."""
    existing_database(
        path,
        {"person", "staff", "school"},
        kind="an addrmatch.boi Campus database",
        create_hint=f"addrmatch boi load-reference {path} --schools ...",
    )
    return path


def _format(args: argparse.Namespace, choices: Sequence[str]) -> str:
    if args.format:
        return str(args.format)
    output = args.output or "-"
    suffix = Path(output).suffix.lower()
    guessed = {".html": "html", ".htm": "html", ".json": "json", ".txt": "text", ".csv": "csv"}.get(
        suffix, "text"
    )
    return guessed if guessed in choices else choices[0]


def _write_report(report: Report, args: argparse.Namespace, console: Console) -> str | None:
    """Write the report where ``-o`` says (stdout by default); returns the file name written."""
    if args.limit < 1:
        raise CommandError("--limit must be at least 1")
    chosen = _format(args, ("html", "text", "json", "csv"))
    if chosen == "csv":  # every entry, one row each, like json: the section, then the entry's fields
        buffer = io.StringIO()
        write_csv(
            buffer,
            [
                {"section": key, **entry}
                for key, entries in report.get("sections", {}).items()
                for entry in entries
            ]
            or [{"section": None}],
        )
        text = buffer.getvalue()
    else:
        text = report.render(chosen, limit=args.limit)
    if args.output in (None, "-"):
        console.out.write(text)
        if not text.endswith("\n"):
            console.out.write("\n")
        return None
    write_private(args.output, text)
    return str(args.output)


def _started_by(args: argparse.Namespace) -> str:
    if args.started_by:
        return str(args.started_by)
    with contextlib.suppress(Exception):
        return f"{getpass.getuser()} (addrmatch CLI)"
    return "addrmatch CLI"


@contextlib.contextmanager
def _boi_errors() -> Iterator[None]:
    """The staff module's errors as one-line command errors."""
    try:
        yield
    except BOIError as exc:
        raise CommandError(str(exc)) from exc


def campus_handler(
    fn: Callable[[argparse.Namespace, Console], int],
) -> Callable[[argparse.Namespace, Console], int]:
    """``fn`` with the staff module's errors turned into one-line command errors."""

    def run(args: argparse.Namespace, console: Console) -> int:
        with _boi_errors():
            return fn(args, console)

    run.__doc__ = fn.__doc__
    return run


# ---------------------------------------------------------------------------
# the commands


def _cmd_load_reference(args: argparse.Namespace, console: Console) -> int:
    given = [(kind, getattr(args, kind)) for kind, _, _ in _REFERENCE_OPTIONS if getattr(args, kind)]
    if not given:
        raise CommandError("nothing to load: give --schools, --genders, --assignment-codes and/or --titles")
    for _, path in given:
        if not os.path.isfile(path):
            raise CommandError(f"no such file: {path}" if not os.path.exists(path) else f"not a file: {path}")
    if os.path.isdir(args.db):
        raise CommandError(f"{args.db!r} is a directory, not a database file")
    # lexists: a dangling symlink is not a fresh file (removing it would change what was there)
    fresh = not os.path.lexists(args.db)
    campus = None
    try:
        campus = Campus(args.db)
        counts = []
        with transaction(campus.connection):  # every list or none
            for kind, path in given:
                counts.append((kind, campus.load_reference_csv(kind, path)))
    except BaseException:
        if campus is not None:
            campus.close()
        if fresh and os.path.lexists(args.db):  # a database this failed call created is removed again
            remove_database(args.db)
        raise
    campus.close()
    labels = {
        "schools": "schools",
        "genders": "genders",
        "assignmentCodes": "assignment codes",
        "titles": "titles",
    }
    loaded = ", ".join(f"{n:,} {labels[kind]}" for kind, n in counts)
    print(f"addrmatch boi load-reference: loaded {loaded} into {args.db}", file=console.out)
    return EXIT_OK


def _cmd_check(args: argparse.Namespace, console: Console) -> int:
    with Campus(existing_campus(args.db)) as campus:
        report = campus.check_campus_data()
    written = _write_report(report, args, console)
    s = report["summary"]
    line = (
        f"addrmatch boi check: {s['campusStaff']:,} Campus staff; {s['duplicateStaffNumbers']:,} with duplicate "
        f"staff numbers ({s['duplicateGroups']:,} shared number{'' if s['duplicateGroups'] == 1 else 's'}), "
        f"{s['missingStaffNumbers']:,} with no staff number"
    )
    if written:
        print(f"{line}; wrote {written}", file=console.out)
    else:
        console.note(line)
    return EXIT_NO if s["duplicateStaffNumbers"] or s["missingStaffNumbers"] else EXIT_OK


def _transfer_file(campus: Campus, args: argparse.Namespace, console: Console) -> tuple[int, int]:
    """start (or restart) a sync, transfer the HR file, end it; ``(accepted, rejected)``."""
    records, where = read_hr_file(args.hr, format=args.input_format)
    if not records:
        raise CommandError(f"{args.hr}: no staff records")
    sync = campus.sync
    status = sync.status()
    who = _started_by(args)
    if status is not None and status["state"] in ("transferring", "ended", "validated", "interrupted"):
        console.note(
            f"restarting the sync {status['syncId']} started by {status['startedBy']} ({status['state']})"
        )
        sync.restart(started_by=who)
    else:
        sync.start(started_by=who)
    accepted = 0
    rejected: list[str] = []
    with console.progress(len(records), "staff", "transfer") as bar:
        for start in range(0, len(records), _BATCH):
            result = sync.transfer(records[start : start + _BATCH])
            accepted += result["accepted"]
            for failure in result["failures"]:
                rejected.append(f"{where[start + failure['index']]}: {failure['message']}")
            bar.update(min(start + _BATCH, len(records)))
    for message in rejected[:5]:
        console.warn(f"{args.hr}, {message}")
    if len(rejected) > 5:
        console.warn(f"... and {len(rejected) - 5:,} more rejected records (see the error log)")
    if accepted == 0:
        raise CommandError(f"{args.hr}: no HR record could be transferred ({len(rejected):,} rejected)")
    sync.end()
    return accepted, len(rejected)


def _summary_line(report: Report) -> str:
    s = report["summary"]
    return (
        f"{s['demographicDifferences']:,} demographic, {s['employmentDifferences']:,} employment, "
        f"{s['assignmentDifferences']:,} assignment, {s['addressDifferences']:,} address differences; "
        f"{s['hrStaffNotInCampus']:,} HR staff not in Campus, {s['campusStaffNotInHr']:,} Campus staff not in HR, "
        f"{s['conflicts']:,} HR staff with a staff number duplicated in Campus"
    )


def _cmd_validate(args: argparse.Namespace, console: Console) -> int:
    with Campus(existing_campus(args.db)) as campus:
        accepted, rejected = _transfer_file(campus, args, console)
        report = campus.sync.validate()
    written = _write_report(report, args, console)
    line = (
        f"addrmatch boi validate: {accepted:,} HR staff transferred, {rejected:,} rejected; "
        + _summary_line(report)
    )
    if written:
        print(f"{line}; wrote {written}", file=console.out)
    else:
        console.note(line)
    conflicts = report["summary"]["conflicts"]
    if conflicts:
        console.warn(
            f"{conflicts:,} HR staff will fail at commit: their staff number is duplicated in Campus "
            "(make the Campus staff numbers unique, then validate again)"
        )
    return EXIT_NO if rejected or conflicts else EXIT_OK


def _cmd_commit(args: argparse.Namespace, console: Console) -> int:
    rejected = 0
    with Campus(existing_campus(args.db)) as campus:
        sync = campus.sync
        if args.hr:
            _, rejected = _transfer_file(campus, args, console)
            report = sync.validate()
            if args.output:
                written = _write_report(report, args, console)
                if written:
                    console.note(f"wrote the validation report to {written}")
        elif args.output:
            raise CommandError("-o/--output writes the validation report: give the HR file too")
        status = sync.status()
        if not args.hr and (status is None or status["state"] != "validated"):
            state = "no sync yet" if status is None else f"the last sync is {status['state']}"
            raise CommandError(
                f"nothing to commit ({state}): give the HR file (`addrmatch boi commit {args.db} HR.json`), "
                "or validate one first"
            )
        total = 0 if status is None else status["staffTransferred"]
        with console.progress(total, "staff", "commit") as bar:
            result = sync.commit(progress=lambda done, failed, _total: bar.update(done + failed))
    if args.result_format == "json":
        print(json.dumps(result, indent=2, ensure_ascii=False), file=console.out)
    elif args.result_format == "csv":
        write_csv(
            console.out,
            [{"syncId": result["syncId"], "outcome": "committed", **s} for s in result["successes"]]
            + [{"syncId": result["syncId"], "outcome": "failed", **f} for f in result["failures"]],
        )
    else:
        actions = {a: sum(1 for s in result["successes"] if s["action"] == a) for a in ("created", "updated")}
        unchanged = result["committed"] - sum(actions.values())
        print(
            f"addrmatch boi commit: sync {result['syncId']}: {result['committed']:,} of {result['total']:,} staff "
            f"committed ({actions['created']:,} created, {actions['updated']:,} updated, {unchanged:,} "
            f"unchanged), {result['failed']:,} failed",
            file=console.out,
        )
        for failure in result["failures"][:10]:
            print(f"  failed {failure['staffNumber']}: {failure['message']}", file=console.out)
        if result["failed"] > 10:
            print(f"  ... and {result['failed'] - 10:,} more (see the error log)", file=console.out)
    return EXIT_NO if result["failed"] or rejected else EXIT_OK


def _cmd_status(args: argparse.Namespace, console: Console) -> int:
    with Campus(existing_campus(args.db)) as campus:
        status = campus.sync.status()
        job = campus.sync.commit_job_status()
    if args.format == "json":
        print(json.dumps({"sync": status, "commitJob": job}, indent=2), file=console.out)
        return EXIT_OK
    if args.format == "csv":
        records = [
            {"record": name, **value} for name, value in (("sync", status), ("commitJob", job)) if value
        ]
        write_csv(console.out, records or [{"record": None}])
        return EXIT_OK
    out = console.out
    if status is None:
        print("no staff synchronization yet", file=out)
        return EXIT_OK
    print(
        f"sync {status['syncId']}: {status['state']}; started by {status['startedBy']} at {status['startedAt']}; "
        f"{status['staffTransferred']:,} staff transferred",
        file=out,
    )
    if job is not None:
        print(
            f"commit job {job['jobId']} (sync {job['syncId']}): {job['state']}; {job['done']:,} done, "
            f"{job['failed']:,} failed of {job['total']:,}; started {job['startedAt']}, finished "
            f"{job['finishedAt'] or '-'}" + (f"; {job['error']}" if job["error"] else ""),
            file=out,
        )
    return EXIT_OK


def _cmd_credentials(args: argparse.Namespace, console: Console) -> int:
    with Campus(existing_campus(args.db)) as campus:
        cred = campus.api_credentials(new_secret=args.new_secret)
    if args.format in ("json", "csv"):
        body = {"clientId": cred["clientId"], "clientSecret": cred["clientSecret"]}
        if args.format == "csv":
            write_csv(console.out, [body])
        else:
            print(json.dumps(body, indent=2), file=console.out)
        return EXIT_OK
    out = console.out
    print(f"Client ID:     {cred['clientId']}", file=out)
    if cred["clientSecret"] is not None:
        print(f"Client Secret: {cred['clientSecret']}", file=out)
        print("(shown once: only a hash is kept; --new-secret generates a new one)", file=out)
    else:
        print("Client Secret: (hidden; only a hash is kept: --new-secret generates a new one", file=out)
        print("               and stops the old secret and every token issued with it)", file=out)
    print("Token URL:     /campus/oauth2/token?appName=...", file=out)
    print("Base URL:      /campus", file=out)
    print("Documentation: /campus/api/businessOfficeIntegration/documentation", file=out)
    return EXIT_OK


def _read_password() -> str:
    """The new password: the first line of standard input (two prompts on a terminal)."""
    if sys.stdin is None:
        raise CommandError("the password is read from standard input: none is open")
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Password again: ") != first:
            raise CommandError("the two passwords differ")
        return first
    line = sys.stdin.readline()
    if not line:
        raise CommandError("no password on standard input (give it as its first line)")
    return line.rstrip("\r\n")


def _cmd_user(args: argparse.Namespace, console: Console) -> int:
    with Campus(existing_campus(args.db)) as campus:
        if args.user_command == "add":
            password = _read_password()
            rights = [r for given in args.tool_rights for r in given.split(",") if r.strip()]
            campus.add_user(args.name, args.full_name or args.name, rights, password=password)
            held = next(u["rights"] for u in campus.users() if u["username"] == args.name)
            print(
                f"addrmatch boi user: added {args.name} with tool rights: {', '.join(held) or '(none)'}",
                file=console.out,
            )
        else:
            campus.set_user_password(args.name, _read_password())
            print(f"addrmatch boi user: new password for {args.name} (sessions ended, lock cleared)",
                  file=console.out)  # fmt: skip
    return EXIT_OK


def _cmd_demo(args: argparse.Namespace, console: Console) -> int:
    db = str(args.db)
    if os.path.exists(db):
        raise CommandError(f"{db!r} exists: the demo writes a new Campus database (give another name)")
    hr = args.hr or str(Path(db).with_name(Path(db).stem + "-hr.csv"))
    try:
        counts = build_demo(db, hr, seed=args.seed)
    except BaseException:
        remove_database(db)
        raise
    print(
        f"addrmatch boi demo: wrote {db} ({counts['campusStaff']:,} Campus staff, the reference lists) and "
        f"{hr} ({counts['hrStaff']:,} HR staff, {counts['matched']:,} of them in Campus); next: "
        f"addrmatch boi check {db} -o check.html",
        file=console.out,
    )
    return EXIT_OK


def _cmd_errors(args: argparse.Namespace, console: Console) -> int:
    with Campus(existing_campus(args.db)) as campus:
        if args.output in (None, "-"):
            count = campus.export_error_log(
                console.out, since=args.since, until=args.until, format=args.format
            )
        else:
            count = campus.export_error_log(
                args.output, since=args.since, until=args.until, format=args.format
            )
            console.note(f"{count:,} errors written to {args.output}")
    return EXIT_OK


# ---------------------------------------------------------------------------
# the parsers


def _report_options(
    p: argparse.ArgumentParser, *, formats: Sequence[str] = ("html", "text", "json", "csv")
) -> None:
    p.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write the report here ('-' or none: stdout); written whole or not at all",
    )
    p.add_argument(
        "--format",
        choices=tuple(formats),
        help="html (a standalone printable page), text, json (every entry) or csv (every entry, one row each,"
        " with its section); default: from the -o suffix (.html, .json, .txt, .csv), else text",
    )
    p.add_argument(
        "--limit",
        type=int,
        default=100,
        metavar="N",
        help="entries shown per section in html/text (100, as the specification's report)",
    )


def _hr_options(p: argparse.ArgumentParser, *, required: bool) -> None:
    p.add_argument(
        "hr",
        nargs=None if required else "?",
        metavar="HR.json|HR.csv",
        help="the HR staff: a JSON list of staff objects, or a CSV file (one column per field)",
    )
    p.add_argument(
        "--input-format", choices=("json", "csv"), help="the HR file's format (default: by suffix)"
    )
    p.add_argument("--started-by", metavar="NAME", help="who starts the sync (default: the user name)")


def register(sub: Any) -> None:
    """Add ``addrmatch boi`` and its subcommands to the ``addrmatch`` subparsers.

    >>> import argparse
    >>> parser = argparse.ArgumentParser(prog="addrmatch"); register(parser.add_subparsers())
    >>> parser.parse_args(["boi", "check", "d.db", "-o", "r.html"]).output
    'r.html'
    """
    common = common_options()
    boi = sub.add_parser(
        "boi",
        parents=[common],
        help="Business Office Integration: reference lists, Check Campus Data, staff synchronization",
        description="The staff module (addrmatch.boi) on a Campus database file: load the district's reference"
        " lists, run the Check Campus Data report, and synchronize staff from an HR file (validate, commit).",
    )
    commands = boi.add_subparsers(dest="boi_command", metavar="COMMAND", required=True)

    p = commands.add_parser(
        "load-reference",
        parents=[common],
        help="load reference lists (schools, genders, assignment codes, titles) from CSV files",
        description="Load the district's reference lists into the Campus database DB (created when missing),"
        " all files in one transaction: on an error nothing is loaded. Each CSV file has a header with the"
        " two columns named below; a code already listed gets the new name.",
    )
    p.add_argument("db", metavar="DB", help="the Campus database file")
    for kind, option, columns in _REFERENCE_OPTIONS:
        p.add_argument(option, dest=kind, metavar="FILE.csv", help=f"columns {columns}")
    p.set_defaults(handler=campus_handler(_cmd_load_reference))

    p = commands.add_parser(
        "check",
        parents=[common],
        help="the Check Campus Data report: duplicate and missing staff numbers",
        description="Report the Campus staff with duplicate staff numbers (compared case-insensitively:"
        " PENDING and pending are duplicates) and with none; they cannot be synchronized. Exit 1 when"
        " there are any.",
    )
    p.add_argument("db", metavar="DB", help="the Campus database file")
    _report_options(p)
    p.set_defaults(handler=campus_handler(_cmd_check))

    p = commands.add_parser(
        "validate",
        parents=[common],
        help="compare an HR file with Campus: the Staff Synchronization Validation Report",
        description="Start a staff synchronization (restarting one in progress), transfer the HR file,"
        " end the transfer and validate: write the validation report (demographic, employment, assignment"
        " and address differences, staff to add, duplicate and missing staff numbers). Nothing in Campus"
        " changes. Exit 1 when some HR records were rejected (listed on stderr and in the error log) or the"
        " report holds conflicts that will fail at commit (HR staff whose number is duplicated in Campus).",
    )
    p.add_argument("db", metavar="DB", help="the Campus database file")
    _hr_options(p, required=True)
    _report_options(p)
    p.set_defaults(handler=campus_handler(_cmd_validate))

    p = commands.add_parser(
        "commit",
        parents=[common],
        help="commit a staff synchronization (HR data replaces Campus data)",
        description="With an HR file: transfer and validate it (as `validate`), then commit. Without: commit"
        " the sync that was validated last. Each staff member commits in its own transaction; failures are"
        " listed and logged. Exit 1 when some staff failed or HR records were rejected.",
    )
    p.add_argument("db", metavar="DB", help="the Campus database file")
    _hr_options(p, required=False)
    _report_options(p)
    p.add_argument(
        "--result-format",
        choices=("text", "json", "csv"),
        default="text",
        help="the commit result: a summary (text) or every success and failure (json, or csv: one row each)",
    )
    p.set_defaults(handler=campus_handler(_cmd_commit))

    p = commands.add_parser(
        "status",
        parents=[common],
        help="the current staff synchronization and the last commit job",
        description="Show the state of the last staff synchronization and of the last commit job.",
    )
    p.add_argument("db", metavar="DB", help="the Campus database file")
    add_format_option(p, "csv: one row per record")
    p.set_defaults(handler=campus_handler(_cmd_status))

    p = commands.add_parser(
        "credentials",
        parents=[common],
        help="the HR system's API credentials (Client ID, Client Secret)",
        description="Show the Business Office API Credentials of DB, creating them the first time. The Client"
        " Secret is shown only when it is generated: the first time, or with --new-secret (the specification's"
        " Generate New Secret: the old secret and every token issued with it stop working at once).",
    )
    p.add_argument("db", metavar="DB", help="the Campus database file")
    p.add_argument("--new-secret", action="store_true", help="generate a new Client Secret")
    add_format_option(p, "json or csv: clientId, clientSecret")
    p.set_defaults(handler=campus_handler(_cmd_credentials))

    p = commands.add_parser(
        "user",
        parents=[common],
        help="district users of the Business Office screens (addrmatch serve, /campus/admin/)",
        description="Add a district user who logs in to the Business Office screens, or give one a new"
        " password. The password is the first line of standard input (asked twice on a terminal), at least"
        " 10 characters; only a slow salted hash (scrypt) is kept.",
    )
    users = p.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    add = users.add_parser(
        "add",
        parents=[common],
        help="add a district user (password from standard input)",
        description="Add the district user NAME. --tool-rights gives the screens they may open:"
        " 'Business Office Synchronization', 'Business Office Error Log', 'Business Office Notifications',"
        " 'Business Office Preferences', 'Business Office API Credentials', 'Staff Demographics', each"
        " ':R' (see) or ':RW' (see and change; the default); and 'District Employment' / 'District"
        " Assignments' make them a possible notification recipient. Several rights: repeat the option,"
        " give several values, or separate them with commas.",
    )
    add.add_argument("db", metavar="DB", help="the Campus database file")
    add.add_argument("name", metavar="NAME", help="the user name they log in with")
    add.add_argument(
        "--full-name", metavar="TEXT", help="the name screens show ('Postma, Madison'); default NAME"
    )
    add.add_argument(
        "--tool-rights",
        nargs="+",
        action="extend",
        default=[],
        metavar="RIGHT",
        help="tool rights (see above)",
    )
    add.set_defaults(handler=campus_handler(_cmd_user))
    password = users.add_parser(
        "password",
        parents=[common],
        help="give a district user a new password (standard input); ends their sessions, clears a lock",
    )
    password.add_argument("db", metavar="DB", help="the Campus database file")
    password.add_argument("name", metavar="NAME", help="the user name")
    password.set_defaults(handler=campus_handler(_cmd_user))

    p = commands.add_parser(
        "demo",
        parents=[common],
        help="build a demo Campus database and HR file from the shipped example staff data",
        description="Write a new Campus database DB (reference lists, legacy staff with employments, positions"
        " and addresses, two staff sharing a number and one without) and an HR file (CSV) of the same"
        " district's staff as the HR system has them, with differences to synchronize; both from the example"
        " staff data shipped with addrmatch, seeded: the same files every time. Then try check, validate,"
        " commit on them.",
    )
    p.add_argument("db", metavar="DB", help="the Campus database file to create (must not exist)")
    p.add_argument("--hr", metavar="FILE.csv", help="the HR file to write (default: DB's name + '-hr.csv')")
    p.add_argument("--seed", type=int, default=DEMO_SEED, help=f"the generator's seed ({DEMO_SEED})")
    p.set_defaults(handler=campus_handler(_cmd_demo))

    p = commands.add_parser(
        "errors",
        parents=[common],
        help="export the Business Office Error Log (CSV, JSON or PDF)",
        description="Export the error log of DB (Error Date, Action, Path, Error Message, Payload; personal"
        " data masked) as CSV, JSON or PDF (the specification's Export to PDF); the format follows the -o"
        " suffix (.csv, .json, .pdf) unless --format is given. A file is written owner-only.",
    )
    p.add_argument("db", metavar="DB", help="the Campus database file")
    p.add_argument(
        "-o", "--output", metavar="FILE", help="the file (.csv, .json, .pdf); none or - for stdout"
    )
    p.add_argument("--format", choices=("csv", "json", "pdf"), default=None)
    p.add_argument("--since", metavar="YYYY-MM-DD", help="first error date")
    p.add_argument("--until", metavar="YYYY-MM-DD", help="last error date")
    p.set_defaults(handler=campus_handler(_cmd_errors))
