"""Run the command-line interface as `python -m alaska_kg`."""

from alaska_kg.cli.app import run

if __name__ == "__main__":
    raise SystemExit(run())
