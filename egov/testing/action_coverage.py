"""pytest plugin: when the whole suite runs, every registered action must have been called.

The ``@action`` decorator records each successful call; under xdist each worker sends its list
back to the controller, which compares the union with the registry at the end of the run.
"""

from __future__ import annotations

from typing import Any

import pytest

_called_by_workers: set[str] = set()


def _is_full_run(config: pytest.Config) -> bool:
    return (
        config.args_source == pytest.Config.ArgsSource.TESTPATHS
        and not config.getoption("keyword")
        and not config.getoption("markexpr")
        and not config.getoption("lf", False)
    )


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    _called_by_workers.update(node.workeroutput.get("egov_actions_called", []))


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    from egov.lib.actions import CALLED, REGISTRY

    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: report, let the controller judge
        workeroutput["egov_actions_called"] = sorted(CALLED)
        return
    if not _is_full_run(session.config) or exitstatus != 0:
        return
    project_actions = {name for name in REGISTRY if ".tests." not in name}
    missing = sorted(project_actions - CALLED - _called_by_workers)
    if missing:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(
                "These actions were never called by any test: " + ", ".join(missing), red=True
            )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
