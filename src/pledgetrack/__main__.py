"""``python -m pledgetrack``: the same as the ``pledgetrack`` command."""

from pledgetrack.cli import main

main()
