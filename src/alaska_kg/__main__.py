"""Run the command-line interface as `python -m alaska_kg`."""

import gc

if __name__ == "__main__":
    gc.disable()  # while the modules are imported (as the `alaska-kg` launcher, scripts/alaska-kg)
    from alaska_kg.cli.app import run

    raise SystemExit(run(imports_without_gc=True))
