"""Moving data in and out: export, import, snapshots, share bundles, the Markdown folder, and
the data actions the Data screen and the shell commands share."""
