from typing import Any

from .world import CASES_RUN


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if CASES_RUN:
        total = sum(CASES_RUN.values())
        per = ", ".join(f"{who} {n}" for who, n in sorted(CASES_RUN.items()))
        terminalreporter.write_line(f"API fuzz: {total} schemathesis cases ({per})")
