"""Entry point for ``python -m malariascope``; hands over to the CLI."""

from malariascope.cli import main

__all__ = ["main"]

if __name__ == "__main__":
    raise SystemExit(main())
