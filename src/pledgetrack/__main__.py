"""``python -m pledgetrack``: the same as the ``pledgetrack`` command."""

from pledgetrack.entry import main

main()
