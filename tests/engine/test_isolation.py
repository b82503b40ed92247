"""User code that hangs, eats memory, exits or prints never takes the engine down."""

import json

import pytest

from raspstudio.engine.file_requests import Engine
from raspstudio.engine.worker_client import Worker
from tests.conftest import FIXTURES, run_rasp

HOSTILE = FIXTURES / "hostile"
SAMPLE = FIXTURES / "sample.py"


@pytest.fixture(scope="module")
def quick_engine():
    engine = Engine(Worker(timeout=4))
    yield engine
    engine.close()


def _errors(report) -> list[tuple[str, int]]:
    return [(d.code, d.span.line) for d in report.diagnostics if d.severity == "error"]


def _sample_still_verifies(engine: Engine) -> None:
    """The same engine goes on working (with room for a cold compile, which takes seconds)."""
    quick, engine.worker.timeout = engine.worker.timeout, 60
    try:
        (program,) = engine.check_file(str(SAMPLE)).programs
    finally:
        engine.worker.timeout = quick
    assert program.compiled and program.verified_inputs == 363


def test_module_that_loops_forever_times_out_at_the_loop(quick_engine):
    report = quick_engine.check_file(str(HOSTILE / "loops_forever.py"))
    assert _errors(report) == [("RASP106", 6)]
    assert "did not finish within 4 s" in report.diagnostics[0].message
    _sample_still_verifies(quick_engine)


def test_lambda_that_loops_forever_times_out_inside_the_function(quick_engine):
    report = quick_engine.check_file(str(HOSTILE / "lambda_loops_forever.py"))
    assert _errors(report) == [("RASP106", 10)]
    assert report.diagnostics[0].program == "program"
    _sample_still_verifies(quick_engine)


def test_unbounded_allocation_hits_the_memory_limit():
    # A 1 GiB cap instead of the default 4 GiB: the kernel zero-fills every page the file
    # allocates, and filling 4 GiB can take most of the 10 s timeout on a busy machine.
    engine = Engine(Worker(memory_mb=1024))
    try:
        report = engine.check_file(str(HOSTILE / "eats_memory.py"))
        ((code, line),) = _errors(report)
        assert (code, line) == ("RASP102", 8)
        assert "MemoryError" in report.diagnostics[0].message
        _sample_still_verifies(engine)
    finally:
        engine.close()


def test_sys_exit_while_loading_is_a_load_error(engine):
    report = engine.check_file(str(HOSTILE / "calls_exit.py"))
    assert _errors(report) == [("RASP102", 8)]
    assert "sys.exit(3)" in report.diagnostics[0].message
    _sample_still_verifies(engine)


def test_worker_killed_from_inside_a_lambda_is_restarted(engine):
    report = engine.check_file(str(HOSTILE / "hard_exit.py"))
    assert [d.code for d in report.diagnostics] == ["RASP107"]
    assert "code 7" in report.diagnostics[0].message
    _sample_still_verifies(engine)


def test_prints_never_reach_stdout():
    result = run_rasp("check", "--format", "json", str(HOSTILE / "prints.py"))
    report = json.loads(result.stdout)  # a single stray byte would break this
    assert result.returncode == 0
    assert report["summary"] == {"files": 1, "programs": 1, "errors": 0, "warnings": 0}
    assert "hello from the module" in result.stderr


def test_cli_on_a_hanging_file_ends_with_an_error_not_a_hang():
    result = run_rasp("check", "--timeout", "2", str(HOSTILE / "loops_forever.py"))
    assert result.returncode == 1
    assert "loops_forever.py:6:1: RASP106 error" in result.stdout
    assert "the limit is --timeout on the command line" in result.stdout  # says how to raise it


def test_a_program_that_gets_the_worker_restarted_does_not_poison_the_next():
    """`program` hangs while compiling and ignores the interrupt, so the worker is killed and
    restarted; the file's next program is analysed again in the fresh worker and verified,
    instead of "has not been analysed"."""
    engine = Engine(Worker(timeout=6))  # room for the fresh worker's first, cold compile
    try:
        report = engine.check_file(str(HOSTILE / "hangs_compiling_then_cheap.py"))
    finally:
        engine.close()
    assert _errors(report) == [("RASP106", 22)]
    assert "the worker was restarted" in report.diagnostics[0].message
    # and how much it was being checked on, with the option that changes it
    assert "all 39 inputs of its input space are run (--max-inputs caps them)" in (
        report.diagnostics[0].message
    )
    hanging, cheap = report.programs
    assert not hanging.compiled
    assert cheap.name == "make_identity" and cheap.compiled and cheap.verified_inputs == 39
