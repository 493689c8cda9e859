"""Building what users install: the offline bundles (`make dist`) and the single-file program
(`make binary`). Not part of the installed package."""
