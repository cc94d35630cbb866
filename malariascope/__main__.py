"""Entry point of the ``malariascope`` program (and ``python -m malariascope``)."""

from __future__ import annotations

from malariascope import cli


def main(argv: list[str] | None = None) -> int:
    """The CLI, owning its process (see :func:`malariascope.cli.main`)."""
    return cli.main(argv, own_process=True)


if __name__ == "__main__":
    raise SystemExit(main())
