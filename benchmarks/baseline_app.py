"""The yardstick: the smallest Typer app that runs a command and prints one line.

`benchmarks/run.py` times it with the same interpreter, side by side with dealcoach, and reports
every dealcoach command as a ratio to it. Its defaults are Typer's own (rich tracebacks and help
when rich is installed), so it costs what "a Typer app" costs on this machine: Python start-up,
site-packages, Typer, and the pydantic that Typer 0.29 imports to convert parameters.
"""

import typer

app = typer.Typer()


@app.command()
def main() -> None:
    """Print one line."""
    print("hello")


if __name__ == "__main__":
    app()
