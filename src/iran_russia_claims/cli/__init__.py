"""The ``iran-russia-claims`` command: a thin shell over the package's functions.

Commands come in three groups, one module each: :mod:`.data` (export, summary, plot,
metadata, synth, browse), :mod:`.check` (validate, verify-source, coverage) and :mod:`.curate`
(init, add-source, sentences, locate, fill: a curator's work on a collection of their own).

Exit codes: 0 success; 1 the data broke rules (every problem is listed); 2 bad usage, or an
input that cannot be used: a path that is missing, a directory or unreadable, a file that is not
the text it should be (an article whose hash matches no registered source), or a request that
cannot be met (a quotation that occurs twice, an article registered already); 141 when the
reader of the output went away (``| head``), as for any tool a closed pipe ends. Heavy modules are
imported inside each command so ``--help`` is instant; no traceback reaches the user. Before a
command runs, what an interrupted write left in the folders it uses is completed or removed
(:func:`~iran_russia_claims.publish.atomic.recover`), with one note on stderr.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

# NumPy's OpenBLAS starts a pool of threads when it is imported; imported after Polars' threads
# run (a file the strict reader declines is read again by the careful readers, which import
# NumPy), that pool aborted the process at exit now and then ("terminate called without an
# active exception", 5 runs in 30). Nothing here multiplies matrices: one BLAS thread is all
# the command needs. A value the user set is kept.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from iran_russia_claims.__about__ import __version__
from iran_russia_claims.cli import check, curate, data
from iran_russia_claims.cli.common import (
    EXIT_INVALID,
    EXIT_OK,
    EXIT_USAGE,
    print_problems,
    recover_writes,
)
from iran_russia_claims.spec.neutral import neutral
from iran_russia_claims.validation.report import DataError

__all__ = ["EXIT_INVALID", "EXIT_OK", "EXIT_USAGE", "build_parser", "main", "run"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="iran-russia-claims",
        description="Claims of articles as validated data: check, code and publish a claims "
        "collection (the shipped one holds the claims of an article on Iran-Russia relations).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for group in (data, check, curate):
        group.register(sub)
    return parser


#: Exit code after the reader of our output went away (``... | head``): 128 + SIGPIPE, as the
#: shell reports for a tool the signal ended.
EXIT_CLOSED_PIPE = 141
#: Set to any value to see the traceback of an unexpected error (for reporting a bug).
DEBUG_ENV = "IRAN_RUSSIA_CLAIMS_DEBUG"


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command. Every command goes through this one error path: data problems are
    listed (exit 1 or 2), a path that cannot be used is named (exit 2), a closed pipe ends the
    run quietly (exit 141), and anything else is reported as a bug in one line (exit 2); no
    traceback reaches the user unless ``IRAN_RUSSIA_CLAIMS_DEBUG`` is set."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        recover_writes(args)  # a write killed part-way is completed before anything is read
        code: int = args.func(args)
        sys.stdout.flush()  # a closed pipe shows here, inside the one error path
    except BrokenPipeError:
        return _closed_pipe()
    except DataError as error:
        outcome = getattr(args, "outcome", "nothing was written")
        return print_problems(error, outcome, getattr(args, "refusal", False))
    except OSError as error:  # a path the command was given that cannot be used
        where = neutral(error.filename) if error.filename is not None else "a file"
        print(f"error: {where}: {neutral(error.strerror or error)}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:  # pragma: no cover
        return 130
    except Exception as error:  # a bug of ours: say so plainly, without a traceback
        if os.environ.get(DEBUG_ENV):
            raise
        print(
            f"error: {args.command} failed unexpectedly ({type(error).__name__}: "
            f"{neutral(error)}); this "
            f"is a bug in iran-russia-claims: please report it (set {DEBUG_ENV}=1 to see where)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    return code


def run() -> NoReturn:
    """The installed command and ``python -m iran_russia_claims``: :func:`main`, then leave.

    Once the command's output is flushed, the process ends at once (``os._exit``), without
    tearing down the interpreter and the native libraries. Arrow's thread pools, torn down at
    exit while a worker still runs, abort the process now and then ("terminate called without
    an active exception", SIGABRT, after the work was done and printed: apache/arrow#34314);
    it was 3 runs in 120 of ``summary`` to a closed pipe on two busy cores, and 0 in 600 now.
    Every file the command writes is complete (and synced) before :func:`main` returns, so
    nothing is left for the interpreter's exit to do."""
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # the reader went away after the last write
        code = _closed_pipe()
    except (OSError, ValueError):  # pragma: no cover - a stream already closed
        pass
    os._exit(code)


def _closed_pipe() -> int:
    """The reader of stdout went away: stop writing, and keep Python from complaining about
    the unflushed rest at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # pragma: no cover - stdout without a file descriptor
        pass
    return EXIT_CLOSED_PIPE


if __name__ == "__main__":  # pragma: no cover
    run()
